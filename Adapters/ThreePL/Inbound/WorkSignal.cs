namespace Distribution.Aspire.Adapters.ThreePL.Inbound;

/// <summary>Wakes a background worker when work was committed in this process; workers also poll for other replicas' work.</summary>
public sealed class WorkSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up covers all work committed so far.
        }
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => await _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();
}

/// <summary>The applier's wake-up.</summary>
public sealed class InboundWorkSignal : IDisposable
{
    public WorkSignal Signal { get; } = new();

    public void Dispose() => Signal.Dispose();
}
