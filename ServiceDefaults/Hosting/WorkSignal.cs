namespace Distribution.Aspire.ServiceDefaults.Hosting;

/// <summary>
/// Wakes a background worker as soon as this process has committed work for it; the worker still polls, for work
/// other replicas wrote or a crash left behind. One pending wake-up covers every notification before it. Notify after
/// the commit: a worker woken before it can look, find nothing, and sleep until its next poll (an event handler
/// notifies through <c>EventContext.OnCommitted</c>). One subclass per worker, so each is registered on its own.
/// </summary>
public abstract class WorkSignal : IDisposable
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
                // Another notification got there first; one wake-up covers both.
            }
        }
    }

    /// <returns>Whether a notification woke the worker; false when the timeout passed or the service is stopping.</returns>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await _pending.WaitAsync(timeout, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _pending.Dispose();
        GC.SuppressFinalize(this);
    }
}
