using System.Collections.Concurrent;

namespace Distribution.Aspire.Messaging.TestHost;

/// <summary>
/// Widgets whose events the handler refuses (or stalls on) until the plan is changed ("the fix"), and one
/// acknowledgement or lease renewal that fails on cue.
/// </summary>
public sealed class FailurePlan
{
    private readonly ConcurrentDictionary<string, bool> _failing = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _stalling = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _acknowledgementReached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _acknowledgementRelease;
    private TaskCompletionSource? _leaseRenewalFailure;

    public void Fail(string widgetId) => _failing[widgetId] = true;

    public void Fix(string widgetId)
    {
        _failing.TryRemove(widgetId, out _);
        _stalling.TryRemove(widgetId, out _);
    }

    public bool ShouldFail(string widgetId) => _failing.ContainsKey(widgetId);

    /// <summary>The handler runs a statement that outlasts its command timeout for this widget.</summary>
    public void Stall(string widgetId) => _stalling[widgetId] = true;

    public bool ShouldStall(string widgetId) => _stalling.ContainsKey(widgetId);

    /// <summary>
    /// The next acknowledgement waits at its checkpoint until <paramref name="release"/> completes and then
    /// fails, as a Redis timeout would. The task returned completes when that acknowledgement is reached.
    /// </summary>
    public Task FailNextAcknowledgement(Task release)
    {
        _acknowledgementRelease = release;
        return _acknowledgementReached.Task;
    }

    /// <summary>
    /// The next renewal of the partition leases fails with a cancellation no shutdown asked for, as when the Redis
    /// multiplexer reconnects under it. The task returned completes when that renewal is reached.
    /// </summary>
    public Task FailNextLeaseRenewal()
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _leaseRenewalFailure = reached;
        return reached.Task;
    }

    internal bool TakeLeaseRenewalFailure()
    {
        var reached = Interlocked.Exchange(ref _leaseRenewalFailure, null);
        reached?.TrySetResult();
        return reached is not null;
    }

    internal Task? TakeAcknowledgementFailure()
    {
        var release = Interlocked.Exchange(ref _acknowledgementRelease, null);
        if (release is not null)
        {
            _acknowledgementReached.TrySetResult();
        }

        return release;
    }
}
