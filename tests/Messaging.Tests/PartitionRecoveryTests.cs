using Distribution.Aspire.Messaging.RedisStreams;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Distribution.Aspire.Messaging.Tests;

/// <summary>
/// A partition whose worker dropped what it had read (its lease slipped away, an acknowledgement failed, a
/// handler kept timing out) gets those entries back, in order, before anything newer of it is handled.
/// </summary>
public sealed class PartitionRecoveryTests(TestServers servers) : IAsyncLifetime
{
    private const string Topic = "widgets";
    private readonly string _prefix = $"t{Guid.NewGuid():N}"[..12] + ":";
    private readonly List<WidgetHost> _hosts = [];
    private ConnectionMultiplexer _redis = null!;

    public async ValueTask InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(servers.RedisConnectionString);

    [Fact]
    public async Task A_partition_lost_and_taken_back_is_recovered_before_it_is_read_again()
    {
        const string Subscription = "widgets-lease";
        var host = await StartAsync(Subscription, new() { ["Messaging:MaxDeliveries"] = "50", ["Messaging:RetryBaseDelayMilliseconds"] = "200" });
        host.Failures.Fail("w-lease");
        await host.PublishAsync("w-lease", 1, 5);
        await Eventually.ReachesAsync(() => _redis.PendingAsync(StreamFor("w-lease"), Subscription), pending => pending == 5, what: "all five delivered while the first retries");

        // As far as Redis knows, another replica holds every partition now (as after renewals that timed out).
        var database = _redis.GetDatabase();
        var leases = Enumerable.Range(0, 4).Select(partition => (RedisKey)StreamNames.Lease(Subscription, StreamNames.For(_prefix, Topic, partition))).ToArray();
        foreach (var lease in leases)
        {
            await database.StringSetAsync(lease, "intruder", TimeSpan.FromMinutes(1));
        }

        var consumer = host.App.App.Services.GetServices<IHostedService>().OfType<RedisStreamsConsumer>().Single();
        await Eventually.ReachesAsync(() => Task.FromResult(consumer.PartitionsHeld), held => held == 0, what: "the replica to notice it holds no partition");
        host.Failures.Fix("w-lease");
        await Eventually.ReachesAsync(host.EffectsAsync, effects => effects.Count >= 1, TimeSpan.FromSeconds(15), "the first event on its next retry");
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Single(await host.EffectsAsync());

        await database.KeyDeleteAsync(leases);
        await host.PublishAsync("w-lease", 6, 1);

        await Eventually.ReachesAsync(host.EffectsAsync, effects => effects.Count >= 6, TimeSpan.FromSeconds(15), "all six once the partitions are back");
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Equal(Enumerable.Range(1, 6), (await host.EffectsAsync()).Select(effect => effect.Sequence));
        Assert.Equal(0, await _redis.PendingAsync(StreamFor("w-lease"), Subscription));
    }

    [Fact]
    public async Task A_lease_renewal_that_fails_unexpectedly_does_not_stop_the_consumer()
    {
        const string Subscription = "widgets-renewal";
        var host = await StartAsync(Subscription, []);
        await host.PublishAsync("w-renewal", 1, 1);
        await Eventually.ReachesAsync(host.EffectsAsync, effects => effects.Count >= 1, what: "the first event");

        await host.Failures.FailNextLeaseRenewal().WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        // Longer than a lease lives (3 s here). Had the failure ended the renewals, every lease would have lapsed in
        // Redis by now, free for another replica to take while this one still reads the partitions (or, once it had
        // let go of them, with nothing left to take them back, as OrderService did in a topology run).
        await Task.Delay(TimeSpan.FromSeconds(4), TestContext.Current.CancellationToken);
        var database = _redis.GetDatabase();
        for (var partition = 0; partition < 4; partition++)
        {
            Assert.True(await database.KeyExistsAsync(StreamNames.Lease(Subscription, StreamNames.For(_prefix, Topic, partition))), $"lease of partition {partition}");
        }

        await host.PublishAsync("w-renewal", 2, 2);
        await Eventually.ReachesAsync(host.EffectsAsync, effects => effects.Count >= 3, TimeSpan.FromSeconds(15), "the events published after the failure");
    }

    // The reader usually resets the failed worker before the worker's next drain gets a thread, so the old code
    // passed this too; the worker now also refuses entries outright while it is failed, which closes that window.
    [Fact]
    public async Task After_a_failed_acknowledgement_every_event_of_the_partition_is_handled_once_and_in_order()
    {
        const string Subscription = "widgets-fault";
        var host = await StartAsync(Subscription, new() { ["Messaging:ReadBatchSize"] = "1" });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var acknowledging = host.Failures.FailNextAcknowledgement(release.Task);

        await host.PublishAsync("w-fault", 1, 1);
        await acknowledging.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        await host.PublishAsync("w-fault", 2, 1);
        await Eventually.ReachesAsync(() => _redis.PendingAsync(StreamFor("w-fault"), Subscription), pending => pending == 2, what: "the second event read while the first one's acknowledgement hangs");

        // The acknowledgement fails while the reader waits for more (its reads block for a second). Once the worker
        // has given up on its queue, the reader gets the third event, which belongs behind the second.
        release.SetResult();
        await Task.Delay(200, TestContext.Current.CancellationToken);
        await host.PublishAsync("w-fault", 3, 1);

        await Eventually.ReachesAsync(host.EffectsAsync, effects => effects.Count >= 3, what: "all three events");
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Equal([1, 2, 3], (await host.EffectsAsync()).Select(effect => effect.Sequence));
        await Eventually.ReachesAsync(() => _redis.PendingAsync(StreamFor("w-fault"), Subscription), pending => pending == 0, what: "every entry acknowledged");
    }

    [Fact]
    public async Task A_handler_that_keeps_outlasting_its_command_timeout_is_dead_lettered_and_its_partition_moves_on()
    {
        const string Subscription = "widgets-stall";
        var host = await StartAsync(Subscription, new() { ["Messaging:MaxDeliveries"] = "2" });
        host.Failures.Stall("w-slow");
        var partition = Transport.Partitioning.PartitionOf("w-slow", 4);
        var behind = Enumerable.Range(0, 200).Select(i => $"w-next-{i}").First(key => Transport.Partitioning.PartitionOf(key, 4) == partition);
        await host.PublishAsync("w-slow", 1, 1);
        await host.PublishAsync(behind, 1, 1);

        var effects = await Eventually.ReachesAsync(host.EffectsAsync, effects => effects.Count >= 1, TimeSpan.FromSeconds(30), "the event behind the stalling one");
        Assert.Equal([behind], effects.Select(effect => effect.WidgetId));
        Assert.Equal(1, await host.CountAsync($"SELECT count(*) FROM dead_letters WHERE subscription = '{Subscription}' AND status = 'pending'"));
    }

    private async Task<WidgetHost> StartAsync(string subscription, Dictionary<string, string?> overrides)
    {
        var host = await WidgetHost.StartAsync(await servers.CreateDatabaseAsync("widgets"), servers.RedisConnectionString, _prefix, subscription, overrides: overrides);
        _hosts.Add(host);
        return host;
    }

    private string StreamFor(string key) => StreamNames.For(_prefix, Topic, Transport.Partitioning.PartitionOf(key, 4));

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }
}
