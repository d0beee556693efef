using System.Diagnostics;
using System.Text.Json;
using Distribution.Aspire.Messaging.CloudEvents;
using Distribution.Aspire.Messaging.Outbox;
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
    OutboxSignal outboxSignal,
    BatchLockGate gate,
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

        Record(envelope, outcome, time.GetUtcNow());
        return outcome;
    }

    /// <summary>
    /// Handles several events of one partition, in order, in a single transaction: one commit (and one
    /// WAL flush) for the lot instead of one per event, with the same inbox guarantee per event. Returns
    /// null, having committed nothing, when any event is unreadable, fails or meets an unreachable
    /// database; the caller then delivers them one by one, which isolates the failing event.
    /// </summary>
    public async Task<IReadOnlyList<DispatchOutcome>?> DispatchBatchAsync(IReadOnlyList<CloudEvent> envelopes, CancellationToken cancellationToken)
    {
        // Batches of different partitions run side by side and lock rows in event order, not in one global
        // order, so two of them can deadlock. PostgreSQL aborts one; running it again whole (the other has
        // committed by then) is far cheaper than falling back to one transaction per event.
        var inboxFirst = false;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryDispatchBatchAsync(envelopes, inboxFirst, cancellationToken);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && !inboxFirst)
            {
                // One of them was handled before (a relay that died between publishing and deleting publishes it again):
                // the same batch once more, the inbox checked first, handles the rest and skips it.
                inboxFirst = true;
                telemetry.BatchRetries.Add(1, new KeyValuePair<string, object?>("reason", ex.SqlState));
                logger.LogDebug("Batch of {Count} held an event already handled; running it again with the inbox checked first", envelopes.Count);
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure && attempt < MaxBatchAttempts)
            {
                telemetry.BatchRetries.Add(1, new KeyValuePair<string, object?>("reason", ex.SqlState));
                logger.LogDebug("Batch of {Count} hit {SqlState}; running it again (attempt {Attempt})", envelopes.Count, ex.SqlState, attempt + 1);
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                logger.LogDebug(ex, "Batch of {Count} rolled back; delivering one by one", envelopes.Count);
                return null;
            }
        }
    }

    private const int MaxBatchAttempts = 4;

    private async Task<IReadOnlyList<DispatchOutcome>?> TryDispatchBatchAsync(IReadOnlyList<CloudEvent> envelopes, bool inboxFirst, CancellationToken cancellationToken)
    {
        await using var services = scopes.CreateAsyncScope();
        var prepared = new List<PreparedEvent>(envelopes.Count);
        foreach (var envelope in envelopes)
        {
            var item = Prepare(envelope, services.ServiceProvider);
            if (item.Early?.Result == DispatchResult.Poison)
            {
                return null;
            }

            prepared.Add(item);
        }

        // A topic carries every event type of its producer; a batch holding none this service handles needs no
        // transaction (nothing is recorded for ignored events) and no spans.
        if (prepared.All(item => item.Invoker is null))
        {
            var ignored = prepared.ConvertAll(_ => DispatchOutcome.Ignored);
            var at = time.GetUtcNow();
            for (var i = 0; i < prepared.Count; i++)
            {
                Record(prepared[i].Envelope, ignored[i], at);
            }

            return ignored;
        }

        using var turn = await gate.EnterAsync(LockNames(prepared, services.ServiceProvider), cancellationToken);
        var outcomes = new List<DispatchOutcome>(prepared.Count);
        var afterCommit = new AfterCommit();
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            outboxSignal.DeferUntilCommitted(transaction);
            try
            {
                if (inboxFirst)
                {
                    await HandleBatchAsync(connection, transaction, prepared, outcomes, await RecordAllInInboxAsync(connection, transaction, prepared, cancellationToken), afterCommit, services.ServiceProvider, cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                }
                else
                {
                    await HandleBatchAsync(connection, transaction, prepared, outcomes, Handled(prepared), afterCommit, services.ServiceProvider, cancellationToken);
                    await RecordInInboxAndCommitAsync(connection, transaction, prepared, cancellationToken);
                }
            }
            catch
            {
                outboxSignal.Complete(transaction);
                throw;
            }

            // Handlers' events are relayed once committed; a batch that published nothing leaves the relay asleep.
            if (outboxSignal.Complete(transaction))
            {
                outboxSignal.Notify();
            }

            afterCommit.Run(logger);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
        {
            throw;
        }
        catch (PostgresException ex) when (!inboxFirst && ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.TableName == "inbox")
        {
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug(ex, "Batch of {Count} rolled back; delivering one by one", prepared.Count);
            return null;
        }

        var committed = time.GetUtcNow();
        for (var i = 0; i < prepared.Count; i++)
        {
            Record(prepared[i].Envelope, outcomes[i], committed);
        }

        return outcomes;
    }

    private async Task HandleBatchAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<PreparedEvent> prepared, List<DispatchOutcome> outcomes, HashSet<string> fresh,
        AfterCommit afterCommit, IServiceProvider services, CancellationToken cancellationToken)
    {
        await LockForBatchAsync(prepared, fresh, transaction, services, cancellationToken);
        foreach (var (envelope, invoker, @event, _) in prepared)
        {
            if (invoker is null)
            {
                outcomes.Add(DispatchOutcome.Ignored);
                continue;
            }

            // The span covers the handler; the shared commit follows the loop.
            using var activity = telemetry.StartProcess(envelope, identity.Subscription);
            CorrelationContext.Set(envelope.CorrelationId ?? envelope.Id);
            using var logScope = logger.BeginScope(new Dictionary<string, object>
            {
                [CorrelationContext.LogScopeKey] = CorrelationContext.Current!,
                ["EventId"] = envelope.Id,
                ["EventType"] = envelope.Type,
            });
            if (!fresh.Remove(envelope.Id))
            {
                outcomes.Add(DispatchOutcome.Duplicate);
            }
            else
            {
                await invoker.InvokeAsync(@event!, new EventContext(envelope, connection, transaction, bus, afterCommit), services, cancellationToken);
                outcomes.Add(DispatchOutcome.Handled);
            }

            activity?.SetTag("distribution.dispatch.result", outcomes[^1].Result.ToString());
        }
    }

    private void Record(CloudEvent envelope, DispatchOutcome outcome, DateTimeOffset at)
    {
        telemetry.Handled.Add(1, new("cloudevents.event_type", envelope.Type), new("outcome", outcome.Result.ToString().ToLowerInvariant()));
        if (outcome.Result == DispatchResult.Handled)
        {
            telemetry.Latency.Record((at - envelope.Time).TotalMilliseconds, new KeyValuePair<string, object?>("cloudevents.event_type", envelope.Type));
        }
    }

    private static IEnumerable<string> LockNames(List<PreparedEvent> prepared, IServiceProvider services) =>
        prepared
            .Where(item => item.Invoker is not null)
            .GroupBy(item => item.Invoker!)
            .SelectMany(group => group.Key.LockNames([.. group.Select(item => item.Event!)], services));

    /// <summary>
    /// Before any event is handled, a batch with more than one event whose handlers lock rows for batches locks every
    /// such row in one statement (<see cref="IEventBatchLocking{TEvent}"/>): event types locked one after the other
    /// would be one global order per type, not for the batch. A single event takes its locks in its own order.
    /// </summary>
    private static async Task LockForBatchAsync(
        List<PreparedEvent> prepared, HashSet<string> fresh, NpgsqlTransaction transaction, IServiceProvider services, CancellationToken cancellationToken)
    {
        var locking = prepared
            .Where(item => item.Invoker is not null && fresh.Contains(item.Envelope.Id))
            .GroupBy(item => item.Invoker!)
            .Where(group => group.Key.LocksForBatches(services))
            .ToList();
        if (locking.Sum(group => group.Count()) < 2)
        {
            return;
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in locking)
        {
            keys.UnionWith(await group.Key.LockKeysAsync([.. group.Select(item => item.Event!)], transaction, services, cancellationToken));
        }

        if (keys.Count > 0)
        {
            var rows = services.GetService<IBatchRowLocks>()
                ?? throw new InvalidOperationException($"Handlers of this service lock rows for batches, so it must register an {nameof(IBatchRowLocks)}.");
            await rows.LockAsync(keys, transaction, cancellationToken);
        }
    }

    /// <summary>The inbox rows of the events this service handles, in one statement.</summary>
    /// <param name="skipRecorded">Leave out events already in the inbox and answer the ids inserted, instead of failing on them.</param>
    private NpgsqlBatchCommand InboxInsert(List<PreparedEvent> prepared, bool skipRecorded)
    {
        var handled = prepared.Where(item => item.Invoker is not null).ToList();
        return new NpgsqlBatchCommand(
            "INSERT INTO inbox (subscription, event_id, event_type) SELECT $1, id, type FROM unnest($2::text[], $3::text[]) AS batch(id, type)"
            + (skipRecorded ? " ON CONFLICT DO NOTHING RETURNING event_id" : string.Empty))
        {
            Parameters =
            {
                new() { Value = identity.Subscription },
                new() { Value = handled.Select(item => item.Envelope.Id).ToArray() },
                new() { Value = handled.Select(item => item.Envelope.Type).ToArray() },
            },
        };
    }

    private static HashSet<string> Handled(List<PreparedEvent> prepared) =>
        prepared.Where(item => item.Invoker is not null).Select(item => item.Envelope.Id).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Records the batch's handled events in the inbox and commits, in one round trip after the handlers have run, instead
    /// of one before them: a first delivery is almost never a duplicate. If one is, its inbox row is already there, the
    /// insert fails, PostgreSQL skips the COMMIT, and the transaction rolls back with whatever the handlers did.
    /// </summary>
    private async Task RecordInInboxAndCommitAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<PreparedEvent> prepared, CancellationToken cancellationToken)
    {
        if (!prepared.Any(item => item.Invoker is not null))
        {
            await transaction.CommitAsync(cancellationToken);
            return;
        }

        // Npgsql sees the transaction end in the server's reply, and the transaction object is then complete.
        await using var commit = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands = { InboxInsert(prepared, skipRecorded: false), new NpgsqlBatchCommand("COMMIT") },
        };
        await commit.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>One statement for the whole batch; answers the ids that were not in the inbox yet.</summary>
    private async Task<HashSet<string>> RecordAllInInboxAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<PreparedEvent> prepared, CancellationToken cancellationToken)
    {
        var fresh = new HashSet<string>(StringComparer.Ordinal);
        if (!prepared.Any(item => item.Invoker is not null))
        {
            return fresh;
        }

        await using var inbox = new NpgsqlBatch(connection, transaction) { BatchCommands = { InboxInsert(prepared, skipRecorded: true) } };
        await using var reader = await inbox.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            fresh.Add(reader.GetString(0));
        }

        return fresh;
    }

    private async Task<bool> RecordInInboxAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CloudEvent envelope, CancellationToken cancellationToken)
    {
        await using var inbox = new NpgsqlCommand(
            "INSERT INTO inbox (subscription, event_id, event_type) VALUES (@subscription, @id, @type) ON CONFLICT DO NOTHING", connection, transaction);
        inbox.Parameters.AddWithValue("subscription", identity.Subscription);
        inbox.Parameters.AddWithValue("id", envelope.Id);
        inbox.Parameters.AddWithValue("type", envelope.Type);
        return await inbox.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task<DispatchOutcome> DispatchCoreAsync(CloudEvent envelope, CancellationToken cancellationToken)
    {
        await using var services = scopes.CreateAsyncScope();
        var (_, invoker, @event, early) = Prepare(envelope, services.ServiceProvider);
        if (early is not null)
        {
            return early;
        }

        using var turn = await gate.EnterAsync(invoker!.LockNames([@event!], services.ServiceProvider), cancellationToken);
        try
        {
            return await HandleInTransactionAsync(envelope, invoker, @event!, services.ServiceProvider, cancellationToken);
        }
        catch (NpgsqlException ex) when (ex.IsTransient)
        {
            return new DispatchOutcome(DispatchResult.Unavailable, ex.Message);
        }
    }

    /// <summary>
    /// What can be decided before touching the database: unknown type or unreadable data (poison), nobody here
    /// interested or a dead letter another subscriber replays (ignored).
    /// </summary>
    private PreparedEvent Prepare(CloudEvent envelope, IServiceProvider services)
    {
        if (envelope.ReplayFor is { } target && !string.Equals(target, identity.Subscription, StringComparison.Ordinal))
        {
            return new PreparedEvent(envelope, null, null, DispatchOutcome.Ignored);
        }

        if (!registry.TryGet(envelope.Type, out var descriptor))
        {
            return new PreparedEvent(envelope, null, null, new DispatchOutcome(DispatchResult.Poison, $"Unknown event type '{envelope.Type}'."));
        }

        var invoker = HandlerInvoker.For(descriptor.ClrType);
        if (!invoker.HasHandlers(services))
        {
            return new PreparedEvent(envelope, null, null, DispatchOutcome.Ignored);
        }

        try
        {
            return new PreparedEvent(envelope, invoker, invoker.Deserialize(envelope.Data), null);
        }
        catch (JsonException ex)
        {
            return new PreparedEvent(envelope, null, null, new DispatchOutcome(DispatchResult.Poison, $"The data of {envelope.Type} does not fit its contract: {ex.Message}"));
        }
    }

    private readonly record struct PreparedEvent(CloudEvent Envelope, HandlerInvoker? Invoker, object? Event, DispatchOutcome? Early);

    private async Task<DispatchOutcome> HandleInTransactionAsync(
        CloudEvent envelope, HandlerInvoker invoker, object @event, IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await RecordInInboxAsync(connection, transaction, envelope, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return DispatchOutcome.Duplicate;
        }

        outboxSignal.DeferUntilCommitted(transaction);
        var afterCommit = new AfterCommit();
        try
        {
            await invoker.InvokeAsync(@event, new EventContext(envelope, connection, transaction, bus, afterCommit), services, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (outboxSignal.Complete(transaction))
            {
                outboxSignal.Notify();
            }

            afterCommit.Run(logger);

            return DispatchOutcome.Handled;
        }
        catch (NpgsqlException ex) when (ex.IsTransient && ex.InnerException is not TimeoutException)
        {
            return new DispatchOutcome(DispatchResult.Unavailable, ex.Message);
        }
        // A handler's statement that runs out its command timeout counts as a failed delivery, though Npgsql calls
        // it transient: the event itself may be what takes so long (a huge order), and retried uncounted it would
        // hold its partition, or during recovery every partition of this replica, for ever. The database being
        // down shows up at the inbox insert above, before the handler, and is still waited out uncounted.
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Handler for {EventType} failed", envelope.Type);
            return new DispatchOutcome(DispatchResult.Failed, $"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            // Forgotten on every path; after a commit it was already taken above.
            outboxSignal.Complete(transaction);
        }
    }
}
