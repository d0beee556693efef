using System.Collections.Concurrent;

namespace Distribution.Aspire.Messaging.TestHost;

/// <summary>Widgets whose events the handler refuses until the plan is changed ("the fix").</summary>
public sealed class FailurePlan
{
    private readonly ConcurrentDictionary<string, bool> _failing = new(StringComparer.Ordinal);

    public void Fail(string widgetId) => _failing[widgetId] = true;

    public void Fix(string widgetId) => _failing.TryRemove(widgetId, out _);

    public bool ShouldFail(string widgetId) => _failing.ContainsKey(widgetId);
}
