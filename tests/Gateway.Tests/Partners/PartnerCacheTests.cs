using Distribution.Aspire.Gateway.Partners;
using Microsoft.Extensions.Logging.Abstractions;

namespace Distribution.Aspire.Gateway.Tests.Partners;

/// <summary>The directory's cache with loads held open by the test, so a change can land exactly while one runs.</summary>
public sealed class PartnerCacheTests
{
    private const string Key = "k1";

    [Fact]
    public async Task A_request_after_a_change_does_not_join_a_load_that_began_before_it()
    {
        var cache = new PartnerCache(StringComparer.Ordinal);
        var loads = new Loads();
        var before = cache.LoadAsync(Key, loads.Next, Forever, NullLogger.Instance);
        await loads.Started(0);

        cache.RemoveWhere("p1");
        var after = cache.LoadAsync(Key, loads.Next, Forever, NullLogger.Instance);
        await loads.Started(1);
        loads.Finish(1, PartnerWithSecret("new"));
        loads.Finish(0, PartnerWithSecret("old"));

        Assert.Equal("old", Secret(await before));
        Assert.Equal("new", Secret(await after));
        Assert.True(cache.Lookup.TryGetValue(Key, out var kept));
        Assert.Equal("new", Secret(kept.Partner));
    }

    [Fact]
    public async Task A_load_that_read_before_a_change_and_finishes_after_it_is_not_kept()
    {
        var cache = new PartnerCache(StringComparer.Ordinal);
        var loads = new Loads();
        var before = cache.LoadAsync(Key, loads.Next, Forever, NullLogger.Instance);
        await loads.Started(0);

        cache.RemoveWhere("p1");
        loads.Finish(0, PartnerWithSecret("old"));
        await before;

        Assert.False(cache.Lookup.TryGetValue(Key, out _));
    }

    [Fact]
    public async Task Concurrent_requests_for_one_key_share_one_load_and_its_result_is_kept()
    {
        var cache = new PartnerCache(StringComparer.Ordinal);
        var loads = new Loads();
        var first = cache.LoadAsync(Key, loads.Next, Forever, NullLogger.Instance);
        var second = cache.LoadAsync(Key, loads.Next, Forever, NullLogger.Instance);
        await loads.Started(0);
        loads.Finish(0, PartnerWithSecret("only"));

        Assert.Same(await first, await second);
        Assert.Equal(1, loads.Count);
        Assert.True(cache.Lookup.TryGetValue(Key, out var kept));
        Assert.Equal("only", Secret(kept.Partner));
    }

    private static long Forever() => long.MaxValue;

    private static string? Secret(Partner? partner) => partner?.WebhookSecret is { } secret ? System.Text.Encoding.UTF8.GetString(secret) : null;

    private static Partner PartnerWithSecret(string secret) => new()
    {
        PartnerId = "p1",
        Kind = "marketplace",
        Channel = "shopify",
        Suspended = false,
        Scopes = PartnerScopes.Shopify,
        ScopesHeader = "shopify",
        RateLimit = new RatePolicy(10, 10, null),
        WebhookSecret = System.Text.Encoding.UTF8.GetBytes(secret),
        Keys = [],
    };

    /// <summary>Each call of <see cref="Next"/> is one load, answered when the test says so.</summary>
    private sealed class Loads
    {
        private readonly List<TaskCompletionSource<Partner?>> _answers = [];
        private readonly List<TaskCompletionSource> _started = [.. Enumerable.Range(0, 4).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))];

        public int Count
        {
            get
            {
                lock (_answers)
                {
                    return _answers.Count;
                }
            }
        }

        public Task<Partner?> Next(string key, CancellationToken cancellationToken)
        {
            var answer = new TaskCompletionSource<Partner?>(TaskCreationOptions.RunContinuationsAsynchronously);
            int index;
            lock (_answers)
            {
                index = _answers.Count;
                _answers.Add(answer);
            }

            _started[index].SetResult();
            return answer.Task;
        }

        public Task Started(int index) => _started[index].Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        public void Finish(int index, Partner partner)
        {
            lock (_answers)
            {
                _answers[index].SetResult(partner);
            }
        }
    }
}
