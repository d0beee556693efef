namespace Distribution.Aspire.Messaging.Outbox;

/// <summary>
/// Wakes this process's relay when an event is written to the outbox. In-process on purpose: a
/// Postgres NOTIFY from the writing transaction would serialize every such transaction's commit on
/// the server's notification lock, which capped throughput at a few hundred events per second.
/// </summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _pending = new(0, 1);

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

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _pending.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _pending.Dispose();
}
