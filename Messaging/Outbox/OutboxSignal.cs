using System.Collections.Concurrent;
using Npgsql;

namespace Distribution.Aspire.Messaging.Outbox;

/// <summary>
/// Wakes this process's relay when an event is written to the outbox. In-process on purpose: a
/// Postgres NOTIFY from the writing transaction would serialize every such transaction's commit on
/// the server's notification lock, which capped throughput at a few hundred events per second.
/// A wake-up after the commit lets the relay read once; one before it (a caller's own transaction)
/// makes the relay re-read briefly until the commit shows. Transactions the event dispatcher owns
/// wake the relay once, after they commit, and only if a handler published into them.
/// </summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _pending = new(0, 1);
    private readonly ConcurrentDictionary<NpgsqlTransaction, bool> _deferred = new(ReferenceEqualityComparer.Instance);
    private int _uncommitted;

    /// <summary>Events are committed: the relay reads once.</summary>
    public void Notify()
    {
        if (_pending.CurrentCount == 0)
        {
            try
            {
                _pending.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another writer woke the relay first; one wake-up covers both.
            }
        }
    }

    /// <summary>Events were written in <paramref name="transaction"/>, which has not committed yet.</summary>
    internal void NotifyBeforeCommit(NpgsqlTransaction transaction)
    {
        if (_deferred.TryGetValue(transaction, out _))
        {
            _deferred[transaction] = true;
            return;
        }

        Volatile.Write(ref _uncommitted, 1);
        Notify();
    }

    /// <summary>The caller wakes the relay itself once <paramref name="transaction"/> commits (see <see cref="Complete"/>).</summary>
    internal void DeferUntilCommitted(NpgsqlTransaction transaction) => _deferred[transaction] = false;

    /// <summary>Forgets a deferred transaction; answers whether events were written in it.</summary>
    internal bool Complete(NpgsqlTransaction transaction) => _deferred.TryRemove(transaction, out var wrote) && wrote;

    /// <summary>Whether a wake-up since the last call came before its writer's commit.</summary>
    internal bool TakeUncommitted() => Interlocked.Exchange(ref _uncommitted, 0) == 1;

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _pending.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _pending.Dispose();
}
