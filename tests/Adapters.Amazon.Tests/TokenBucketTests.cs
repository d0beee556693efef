using System.Net;
using Distribution.Aspire.Adapters.Amazon.SpApi;
using Microsoft.Extensions.Time.Testing;

namespace Distribution.Aspire.Adapters.Amazon.Tests;

public sealed class TokenBucketTests
{
    [Fact]
    public void Bucket_allows_the_burst_then_one_request_per_refill_interval()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(0.5, 30, time);

        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(TimeSpan.Zero, bucket.TryTake());
        }

        Assert.Equal(TimeSpan.FromSeconds(2), bucket.TryTake());
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.Zero, bucket.TryTake());
        Assert.True(bucket.TryTake() > TimeSpan.Zero);
    }

    [Fact]
    public void Rate_header_from_Amazon_replaces_the_default_rate()
    {
        var limits = new SpApiRateLimits(new FakeTimeProvider());
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.Add(SpApiRateLimits.RateLimitHeader, "2.0");

        limits.Observe(SpApiOperation.GetOrderV0, response);

        Assert.Equal(2.0, limits.For(SpApiOperation.GetOrderV0).Rate);
        Assert.Equal(0.5, limits.For(SpApiOperation.GetOrderItemsV0).Rate);
    }

    [Fact]
    public void A_429_empties_the_bucket_so_the_next_call_waits_for_a_refill()
    {
        var time = new FakeTimeProvider();
        var limits = new SpApiRateLimits(time);
        Assert.Equal(TimeSpan.Zero, limits.For(SpApiOperation.PatchListingsItem).TryTake());
        using var throttled = new HttpResponseMessage(HttpStatusCode.TooManyRequests);

        limits.Observe(SpApiOperation.PatchListingsItem, throttled);

        Assert.Equal(TimeSpan.FromSeconds(0.2), limits.For(SpApiOperation.PatchListingsItem).TryTake());
    }

    [Fact]
    public async Task Waiting_caller_goes_once_the_bucket_refills()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(1, 1, time);
        Assert.Equal(TimeSpan.Zero, bucket.TryTake());

        var waiting = bucket.AcquireAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
