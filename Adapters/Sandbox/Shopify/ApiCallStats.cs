using System.Collections.Concurrent;

namespace Distribution.Aspire.Adapters.Sandbox.Shopify;

/// <summary>Admin API calls the shop answered, by operation and status, for tests and the inspection API.</summary>
public sealed class ApiCallStats
{
    private readonly ConcurrentDictionary<(string Operation, int Status), int> _counts = new();

    public void Count(string operation, int status) => _counts.AddOrUpdate((operation, status), 1, (_, n) => n + 1);

    public IReadOnlyList<ApiCallCount> Snapshot() =>
        [.. _counts.Select(c => new ApiCallCount(c.Key.Operation, c.Key.Status, c.Value)).OrderBy(c => c.Operation, StringComparer.Ordinal).ThenBy(c => c.Status)];
}

public sealed record ApiCallCount(string Operation, int Status, int Count);
