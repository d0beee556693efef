using System.Diagnostics;
using System.Text.Json;
using Distribution.Aspire.Messaging.CloudEvents;
using Distribution.Aspire.Messaging.Publishing;
using Distribution.Aspire.ServiceDefaults.Correlation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Distribution.Aspire.Messaging.Consuming;

/// <summary>
/// Delivers one event to this service's handlers, exactly once in effect: the inbox row and the
/// handlers' changes commit in one transaction, and an event whose id is already in the inbox is
/// acknowledged without running anything. Both transports deliver through here.
/// </summary>
public sealed class EventDispatcher(
    NpgsqlDataSource database,
    IServiceScopeFactory scopes,
    EventTypeRegistry registry,
    IEventBus bus,
    MessagingIdentity identity,
    MessagingTelemetry telemetry,
    TimeProvider time,
    ILogger<EventDispatcher> logger)
{
    public async Task<DispatchOutcome> DispatchAsync(CloudEvent envelope, CancellationToken cancellationToken)
    {
        using var activity = telemetry.StartProcess(envelope, identity.Subscription);
        CorrelationContext.Set(envelope.CorrelationId ?? envelope.Id);
        using var scope = logger.BeginScope(new Dictionary<string, object>
        {
            [CorrelationContext.LogScopeKey] = CorrelationContext.Current!,
            ["EventId"] = envelope.Id,
            ["EventType"] = envelope.Type,
        });

        var outcome = await DispatchCoreAsync(envelope, cancellationToken);
        activity?.SetTag("distribution.dispatch.result", outcome.Result.ToString());
        if (!outcome.IsSettled)
        {
            activity?.SetStatus(ActivityStatusCode.Error, outcome.Error);
        }

        telemetry.Handled.Add(1, new("cloudevents.event_type", envelope.Type), new("outcome", outcome.Result.ToString().ToLowerInvariant()));
        if (outcome.Result == DispatchResult.Handled)
        {
            telemetry.Latency.Record((time.GetUtcNow() - envelope.Time).TotalMilliseconds, new KeyValuePair<string, object?>("cloudevents.event_type", envelope.Type));
        }

        return outcome;
    }

    private async Task<DispatchOutcome> DispatchCoreAsync(CloudEvent envelope, CancellationToken cancellationToken)
    {
        if (!registry.TryGet(envelope.Type, out var descriptor))
        {
            return new DispatchOutcome(DispatchResult.Poison, $"Unknown event type '{envelope.Type}'.");
        }

        var invoker = HandlerInvoker.For(descriptor.ClrType);
        await using var services = scopes.CreateAsyncScope();
        if (!invoker.HasHandlers(services.ServiceProvider))
        {
            return DispatchOutcome.Ignored;
        }

        object @event;
        try
        {
            @event = invoker.Deserialize(envelope.Data);
        }
        catch (JsonException ex)
        {
            return new DispatchOutcome(DispatchResult.Poison, $"The data of {envelope.Type} does not fit its contract: {ex.Message}");
        }

        try
        {
            return await HandleInTransactionAsync(envelope, invoker, @event, services.ServiceProvider, cancellationToken);
        }
        catch (NpgsqlException ex) when (ex.IsTransient)
        {
            return new DispatchOutcome(DispatchResult.Unavailable, ex.Message);
        }
    }

    private async Task<DispatchOutcome> HandleInTransactionAsync(
        CloudEvent envelope, HandlerInvoker invoker, object @event, IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var inbox = new NpgsqlCommand(
            "INSERT INTO inbox (subscription, event_id, event_type) VALUES (@subscription, @id, @type) ON CONFLICT DO NOTHING", connection, transaction))
        {
            inbox.Parameters.AddWithValue("subscription", identity.Subscription);
            inbox.Parameters.AddWithValue("id", envelope.Id);
            inbox.Parameters.AddWithValue("type", envelope.Type);
            if (await inbox.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return DispatchOutcome.Duplicate;
            }
        }

        try
        {
            await invoker.InvokeAsync(@event, new EventContext(envelope, connection, transaction, bus), services, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return DispatchOutcome.Handled;
        }
        catch (NpgsqlException ex) when (ex.IsTransient)
        {
            return new DispatchOutcome(DispatchResult.Unavailable, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Handler for {EventType} failed", envelope.Type);
            return new DispatchOutcome(DispatchResult.Failed, $"{ex.GetType().Name}: {ex.Message}");
        }
    }
}
