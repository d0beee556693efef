using Distribution.Aspire.Messaging.Consuming;
using Npgsql;

namespace Distribution.Aspire.Messaging.TestHost;

/// <summary>
/// Records each event it handles, and again once that has committed (<see cref="CommittedWidgets"/>); fails (or stalls)
/// on purpose for widgets named in <see cref="FailurePlan"/>.
/// </summary>
public sealed class WidgetMadeHandler(FailurePlan failures, CommittedWidgets committed, MessagingIdentity identity) : IEventHandler<WidgetMade>
{
    public async Task HandleAsync(WidgetMade @event, EventContext context, CancellationToken cancellationToken)
    {
        if (failures.ShouldFail(@event.WidgetId))
        {
            throw new InvalidOperationException($"widget {@event.WidgetId} cannot be made");
        }

        if (failures.ShouldStall(@event.WidgetId))
        {
            await using var stall = new NpgsqlCommand("SELECT pg_sleep(5)", context.Connection, context.Transaction) { CommandTimeout = 1 };
            await stall.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = new NpgsqlCommand(
            "INSERT INTO widget_effects (event_id, widget_id, sequence, handled_by) VALUES (@id, @widget, @sequence, @by)",
            context.Connection,
            context.Transaction);
        command.Parameters.AddWithValue("id", context.Envelope.Id);
        command.Parameters.AddWithValue("widget", @event.WidgetId);
        command.Parameters.AddWithValue("sequence", @event.Sequence);
        command.Parameters.AddWithValue("by", identity.ConsumerName);
        await command.ExecuteNonQueryAsync(cancellationToken);
        var eventId = context.Envelope.Id;
        context.OnCommitted(() => committed.Record(eventId));
    }
}
