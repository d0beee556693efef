using System.Collections.Concurrent;
using System.Diagnostics;

namespace Distribution.Aspire.TestInfrastructure;

/// <summary>Records every span whose operation name starts with a prefix (a host's own spans, say "erp."), once it has ended.</summary>
public sealed class RecordedSpans : IDisposable
{
    private readonly ActivityListener _listener;

    public RecordedSpans(string operationPrefix)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.OperationName.StartsWith(operationPrefix, StringComparison.Ordinal))
                {
                    All.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ConcurrentQueue<Activity> All { get; } = new();

    public void Dispose() => _listener.Dispose();
}
