using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.Messaging.RedisStreams;
using Distribution.Aspire.Messaging.TestHost;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Distribution.Aspire.Messaging.Tests;

/// <summary>The Redis Streams backbone end to end, with real Postgres and Redis, services in-process.</summary>
public sealed class BackboneTests(TestServers servers) : IAsyncLifetime
{
    private readonly string _prefix = $"t{Guid.NewGuid():N}"[..12] + ":";
    private readonly List<WidgetHost> _hosts = [];
    private ConnectionMultiplexer _redis = null!;

    public async ValueTask InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(servers.RedisConnectionString);

    [Fact]
    public async Task Events_reach_every_subscribing_service_exactly_once()
    {
        var producer = await StartAsync("widgets-a");
        var other = await StartAsync("widgets-b");

        await producer.PublishAsync("w-1", 1, 25);
        await producer.PublishAsync("w-2", 1, 25);

        foreach (var host in new[] { producer, other })
        {
            var effects = await Eventually.ReachesAsync(host.EffectsAsync, e => e.Count >= 50, what: "50 handled events");
            await Task.Delay(300);
            effects = await host.EffectsAsync();
            Assert.Equal(50, effects.Count);
            Assert.Equal(50, effects.Select(e => e.EventId).Distinct().Count());
        }

        Assert.Equal(0, await producer.CountAsync("SELECT count(*) FROM outbox"));
    }

    [Fact]
    public async Task A_rolled_back_change_publishes_nothing()
    {
        var host = await StartAsync("widgets-rollback");
        await using (var connection = await host.Database.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await host.Bus.PublishAsync(new TestHost.WidgetMade("ghost", 1), transaction);
            await transaction.RollbackAsync();
        }

        await host.PublishAsync("real", 1, 1);

        var effects = await Eventually.ReachesAsync(host.EffectsAsync, e => e.Count >= 1);
        await Task.Delay(300);
        Assert.Equal(["real"], (await host.EffectsAsync()).Select(e => e.WidgetId));
    }

    [Fact]
    public async Task A_batch_commits_state_and_events_together_or_not_at_all()
    {
        var host = await StartAsync("widgets-batch");
        await using (var connection = await host.Database.OpenConnectionAsync())
        {
            await using var failing = host.Bus.CreateBatch(connection);
            failing.Publish(new TestHost.WidgetMade("doomed", 1));
            failing.Add(new Npgsql.NpgsqlBatchCommand("INSERT INTO widgets (widget_id, made) VALUES ('doomed', 1)"));
            failing.Add(new Npgsql.NpgsqlBatchCommand("SELECT 1 / 0"));
            await Assert.ThrowsAsync<Npgsql.PostgresException>(() => failing.CommitAsync());
        }

        await using (var connection = await host.Database.OpenConnectionAsync())
        {
            await using var batch = host.Bus.CreateBatch(connection);
            batch.Add(new Npgsql.NpgsqlBatchCommand("INSERT INTO widgets (widget_id, made) VALUES ('kept', 2)"));
            batch.Publish(new TestHost.WidgetMade("kept", 1));
            batch.Publish(new TestHost.WidgetMade("kept", 2));
            await batch.CommitAsync();
        }

        var effects = await Eventually.ReachesAsync(host.EffectsAsync, e => e.Count >= 2);
        await Task.Delay(300);
        Assert.Equal([1, 2], (await host.EffectsAsync()).Select(e => e.Sequence).Order());
        Assert.All(await host.EffectsAsync(), e => Assert.Equal("kept", e.WidgetId));
        Assert.Equal(0, await host.CountAsync("SELECT count(*) FROM widgets WHERE widget_id = 'doomed'"));
    }

    [Fact]
    public async Task A_batch_inside_a_transaction_is_delivered_only_when_that_transaction_commits()
    {
        var host = await StartAsync("widgets-tx-batch");
        await using (var connection = await host.Database.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var undone = host.Bus.CreateBatch(transaction);
            undone.Add(new Npgsql.NpgsqlBatchCommand("INSERT INTO widgets (widget_id, made) VALUES ('undone', 1)"));
            undone.Publish(new TestHost.WidgetMade("undone", 1));
            await Assert.ThrowsAsync<InvalidOperationException>(() => undone.CommitAsync());
            await undone.ExecuteAsync();
            await transaction.RollbackAsync();
        }

        await using (var connection = await host.Database.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var batch = host.Bus.CreateBatch(transaction);
            batch.Add(new Npgsql.NpgsqlBatchCommand("INSERT INTO widgets (widget_id, made) VALUES ('done', 1)"));
            batch.Publish(new TestHost.WidgetMade("done", 1));
            await batch.ExecuteAsync();

            // Sent but not committed: the relay must not see the event yet.
            await Task.Delay(300);
            Assert.Empty(await host.EffectsAsync());
            await transaction.CommitAsync();
        }

        await Eventually.ReachesAsync(host.EffectsAsync, e => e.Count >= 1);
        await Task.Delay(300);
        Assert.Equal(["done"], (await host.EffectsAsync()).Select(e => e.WidgetId));
        Assert.Equal(0, await host.CountAsync("SELECT count(*) FROM widgets WHERE widget_id = 'undone'"));
    }

    [Fact]
    public async Task A_redelivered_event_is_acknowledged_and_skipped()
    {
        var host = await StartAsync("widgets-dup");
        await host.PublishAsync("w-dup", 1, 1);
        var first = await Eventually.ReachesAsync(host.EffectsAsync, e => e.Count == 1);

        // The broker delivers the very same CloudEvent again (a relay retry after a crash does this).
        var stream = StreamFor("widgets", "w-dup");
        var original = (await _redis.GetDatabase().StreamRangeAsync(stream, "-", "+")).Single();
        var copyId = await _redis.GetDatabase().StreamAddAsync(stream, StreamNames.EnvelopeField, original[StreamNames.EnvelopeField]);

        await Eventually.ReachesAsync(() => GroupDoneWithAsync(stream, "widgets-dup", copyId), done => done, what: "the copy to be acknowledged");
        Assert.Equal(first, await host.EffectsAsync());
    }

    [Fact]
    public async Task A_batch_mixing_redelivered_and_new_events_handles_only_the_new_ones()
    {
        var host = await StartAsync("widgets-mixed");
        var meter = host.App.App.Services.GetRequiredService<MessagingTelemetry>().Meter;
        using var measurements = new RecordedMeasurements(m => m == meter);
        await host.PublishAsync("w-mixed", 1, 10);
        await Eventually.ReachesAsync(host.EffectsAsync, e => e.Count == 10, what: "the first 10 events");

        // The same ten entries arrive again, followed by five new ones: one read, one batch.
        var stream = StreamFor("widgets", "w-mixed");
        var database = _redis.GetDatabase();
        var originals = await database.StreamRangeAsync(stream, "-", "+");
        foreach (var original in originals)
        {
            await database.StreamAddAsync(stream, StreamNames.EnvelopeField, original[StreamNames.EnvelopeField]);
        }

        await host.PublishAsync("w-mixed", 11, 5);

        var effects = await Eventually.ReachesAsync(host.EffectsAsync, e => e.Count >= 15, what: "the five new events");
        await Task.Delay(300);
        effects = await host.EffectsAsync();
        Assert.Equal(Enumerable.Range(1, 15), effects.Select(e => e.Sequence));

        // The copies were first deliveries, so their batch ran the handler before recording the inbox: the inbox insert
        // failed, the handler's rows went with the rollback, and the batch ran again with the inbox checked first.
        Assert.NotEmpty(measurements.Where("messaging.consumer.batch_retries", ("reason", "23505")));
        Assert.Empty(measurements.Where("messaging.events.handled", ("outcome", "failed")));
    }

    [Fact]
    public async Task What_a_handler_asks_to_run_after_its_commit_runs_once_after_it_and_never_for_a_rolled_back_delivery()
    {
        var host = await StartAsync("widgets-after-commit");
        var committed = host.App.App.Services.GetRequiredService<CommittedWidgets>();

        // One transaction, one relay read, one partition's read: the good events are handled in the batch that the last
        // one then rolls back, before they are delivered one by one.
        var bad = Enumerable.Range(0, 100).Select(i => $"w-after-bad-{i}").First(id => StreamFor("widgets", id) == StreamFor("widgets", "w-after-good"));
        host.Failures.Fail(bad);
        await using (var connection = await host.Database.OpenConnectionAsync())
        {
            await using var batch = host.Bus.CreateBatch(connection);
            for (var sequence = 1; sequence <= 5; sequence++)
            {
                batch.Publish(new WidgetMade("w-after-good", sequence));
            }

            batch.Publish(new WidgetMade(bad, 1));
            await batch.CommitAsync();
        }

        await Eventually.ReachesAsync(() => host.CountAsync("SELECT count(*) FROM dead_letters"), count => count == 1, what: "the failing event dead-lettered");
        var effects = await host.EffectsAsync();
        Assert.Equal(5, effects.Count);
        Assert.Equal(effects.Select(e => e.EventId).Order(), committed.Seen.Select(s => s.EventId).Order());
        Assert.All(committed.Seen, seen => Assert.True(seen.EffectVisible, $"{seen.EventId} ran before its commit"));
    }

    [Fact]
    public async Task A_failing_event_goes_to_the_dead_letters_after_the_limit_and_a_replay_after_the_fix_succeeds()
    {
        var host = await StartAsync("widgets-poison");
        host.Failures.Fail("w-bad");
        await host.PublishAsync("w-bad", 1, 1);
        await host.PublishAsync("w-good", 1, 1);

        using var client = host.App.CreateClient();
        client.DefaultRequestHeaders.Add("X-Admin-Key", WidgetHost.AdminKey);
        var listed = await Eventually.ReachesAsync(
            () => client.GetFromJsonAsync<JsonElement[]>("/admin/dead-letters", TestContext.Current.CancellationToken)!,
            items => items!.Length == 1,
            what: "one dead letter");
        var deadLetter = listed![0];
        Assert.Equal(3, deadLetter.GetProperty("attempts").GetInt32());
        Assert.Contains("w-bad cannot be made", deadLetter.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("distribution.test.widget_made.v1", deadLetter.GetProperty("eventType").GetString());
        // w-good may share w-bad's partition, in which case it waited for w-bad's retries to end.
        var handled = await Eventually.ReachesAsync(host.EffectsAsync, e => e.Count >= 1, what: "w-good handled");
        Assert.Equal(["w-good"], handled.Select(e => e.WidgetId));

        var id = deadLetter.GetProperty("id").GetGuid();
        var detail = await client.GetFromJsonAsync<JsonElement>($"/admin/dead-letters/{id}", TestContext.Current.CancellationToken);
        Assert.Contains("\"widgetId\":\"w-bad\"", detail.GetProperty("envelope").GetString(), StringComparison.Ordinal);

        host.Failures.Fix("w-bad");
        using var replay = await client.PostAsync($"/admin/dead-letters/{id}:replay", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);

        await Eventually.ReachesAsync(host.EffectsAsync, e => e.Any(x => x.WidgetId == "w-bad"), what: "the replayed event to be handled");
        using var again = await client.PostAsync($"/admin/dead-letters/{id}:replay", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var after = await client.GetFromJsonAsync<JsonElement>($"/admin/dead-letters/{id}", TestContext.Current.CancellationToken);
        Assert.Equal("replayed", after.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_dead_letter_replayed_by_one_subscriber_is_left_alone_by_another_that_discarded_it()
    {
        var replaying = await StartAsync("widgets-replaying");
        var discarding = await StartAsync("widgets-discarding");
        replaying.Failures.Fail("w-both");
        discarding.Failures.Fail("w-both");
        await replaying.PublishAsync("w-both", 1, 1);
        using var replayingAdmin = AdminClient(replaying);
        using var discardingAdmin = AdminClient(discarding);
        var replayed = await SingleDeadLetterAsync(replayingAdmin);
        var discarded = await SingleDeadLetterAsync(discardingAdmin);

        using (var discard = await discardingAdmin.PostAsync($"/admin/dead-letters/{discarded}:discard", null, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, discard.StatusCode);
        }

        replaying.Failures.Fix("w-both");
        discarding.Failures.Fix("w-both");
        using (var replay = await replayingAdmin.PostAsync($"/admin/dead-letters/{replayed}:replay", null, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        }

        await Eventually.ReachesAsync(replaying.EffectsAsync, e => e.Count == 1, what: "the replay handled by the subscriber that asked for it");
        var stream = StreamFor("widgets", "w-both");
        var last = (await _redis.GetDatabase().StreamInfoAsync(stream)).LastGeneratedId;
        await Eventually.ReachesAsync(() => GroupDoneWithAsync(stream, "widgets-discarding", last), done => done, what: "the other subscriber past the replay");
        Assert.Empty(await discarding.EffectsAsync());
        var after = await discardingAdmin.GetFromJsonAsync<JsonElement>($"/admin/dead-letters/{discarded}", TestContext.Current.CancellationToken);
        Assert.Equal("discarded", after.GetProperty("status").GetString());

        static HttpClient AdminClient(WidgetHost host)
        {
            var client = host.App.CreateClient();
            client.DefaultRequestHeaders.Add("X-Admin-Key", WidgetHost.AdminKey);
            return client;
        }

        static async Task<Guid> SingleDeadLetterAsync(HttpClient admin)
        {
            var listed = await Eventually.ReachesAsync(
                () => admin.GetFromJsonAsync<JsonElement[]>("/admin/dead-letters", TestContext.Current.CancellationToken)!,
                items => items!.Length == 1,
                what: "one dead letter");
            return listed![0].GetProperty("id").GetGuid();
        }
    }

    [Fact]
    public async Task An_event_retrying_on_one_partition_does_not_hold_back_the_other_partitions()
    {
        // Long enough back-off that the failing event is still retrying when the others arrive.
        var host = await WidgetHost.StartAsync(
            await servers.CreateDatabaseAsync("widgets"),
            servers.RedisConnectionString,
            _prefix,
            "widgets-isolated",
            overrides: new Dictionary<string, string?> { ["Messaging:MaxDeliveries"] = "20", ["Messaging:RetryBaseDelayMilliseconds"] = "500" });
        _hosts.Add(host);
        host.Failures.Fail("w-stuck");
        var stuckPartition = Transport.Partitioning.PartitionOf("w-stuck", 4);
        var others = Enumerable.Range(0, 200).Select(i => $"w-free-{i}").Where(key => Transport.Partitioning.PartitionOf(key, 4) != stuckPartition).Take(12).ToList();

        await host.PublishAsync("w-stuck", 1, 1);
        await Eventually.ReachesAsync(() => _redis.PendingAsync(StreamFor("widgets", "w-stuck"), "widgets-isolated"), pending => pending == 1, what: "the failing event to be delivered");
        await Task.Delay(200);
        foreach (var key in others)
        {
            await host.PublishAsync(key, 1, 1);
        }

        // The stuck event's retries take over a minute (20 deliveries, back-off doubling from 0.5 s to 5 s): waiting for
        // them would blow this limit many times over, while a busy test machine still gets ample time.
        var handled = await Eventually.ReachesAsync(host.EffectsAsync, e => e.Count >= others.Count, TimeSpan.FromSeconds(10), "the other partitions' events while one event retries");
        Assert.Equal(others.Order(), handled.Select(e => e.WidgetId).Order());
        Assert.Equal(0, await host.CountAsync("SELECT count(*) FROM dead_letters"));

        host.Failures.Fix("w-stuck");
        await Eventually.ReachesAsync(host.EffectsAsync, e => e.Any(x => x.WidgetId == "w-stuck"), TimeSpan.FromSeconds(20), "the fixed event on its next retry");
    }

    [Fact]
    public async Task Replay_all_matching_a_filter_and_discard()
    {
        var host = await StartAsync("widgets-bulk");
        host.Failures.Fail("w-x");
        host.Failures.Fail("w-y");
        await host.PublishAsync("w-x", 1, 1);
        await host.PublishAsync("w-y", 1, 1);
        using var client = host.App.CreateClient();
        client.DefaultRequestHeaders.Add("X-Admin-Key", WidgetHost.AdminKey);
        var listed = await Eventually.ReachesAsync(
            () => client.GetFromJsonAsync<JsonElement[]>("/admin/dead-letters", TestContext.Current.CancellationToken)!,
            items => items!.Length == 2);

        using var discard = await client.PostAsync($"/admin/dead-letters/{listed![0].GetProperty("id").GetGuid()}:discard", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, discard.StatusCode);

        host.Failures.Fix("w-x");
        host.Failures.Fix("w-y");
        using var replayAll = await client.PostAsJsonAsync("/admin/dead-letters:replay", new { eventType = "distribution.test.widget_made.v1" }, TestContext.Current.CancellationToken);
        var replayed = await replayAll.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(1, replayed.GetProperty("replayed").GetInt32());
        var effects = await Eventually.ReachesAsync(host.EffectsAsync, e => e.Count == 1, what: "the one replayed event");
        Assert.NotEqual(listed[0].GetProperty("eventId").GetString(), effects[0].EventId);
        using var discardedAgain = await client.PostAsync($"/admin/dead-letters/{listed[0].GetProperty("id").GetGuid()}:discard", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, discardedAgain.StatusCode);
    }

    [Fact]
    public async Task Unreadable_envelopes_and_unknown_types_go_straight_to_the_dead_letters()
    {
        var host = await StartAsync("widgets-junk");
        var database = _redis.GetDatabase();
        await database.StreamAddAsync(StreamNames.For(_prefix, "widgets", 0), StreamNames.EnvelopeField, "{not json");
        var unknown = """{"specversion":"1.0","id":"evt-unknown","source":"/x","type":"distribution.test.nobody_knows.v1","partitionkey":"k","data":{}}""";
        await database.StreamAddAsync(StreamNames.For(_prefix, "widgets", 1), StreamNames.EnvelopeField, unknown);

        await Eventually.ReachesAsync(() => host.CountAsync("SELECT count(*) FROM dead_letters"), count => count == 2, what: "two dead letters");

        Assert.Equal(2, await host.CountAsync("SELECT count(*) FROM dead_letters WHERE attempts = 1"));
        Assert.Equal(1, await host.CountAsync("SELECT count(*) FROM dead_letters WHERE event_type = 'unreadable'"));
        Assert.Equal(1, await host.CountAsync("SELECT count(*) FROM dead_letters WHERE event_id = 'evt-unknown' AND error LIKE 'Unknown event type%'"));
    }

    [Fact]
    public async Task A_known_event_type_this_service_does_not_handle_is_skipped_not_dead_lettered()
    {
        // A topic carries several types; a subscriber handles some. OrderAccepted is a real contract the
        // widget service has no handler for: it is someone else's interest, not poison.
        var host = await StartAsync("widgets-skip");
        var notOurs = """{"specversion":"1.0","id":"evt-not-ours","source":"/orders","type":"distribution.order.accepted.v1","partitionkey":"w-skip","data":{}}""";
        await _redis.GetDatabase().StreamAddAsync(StreamNames.For(_prefix, "widgets", 0), StreamNames.EnvelopeField, notOurs);
        await host.PublishAsync("w-skip", 1, 3);

        var effects = await Eventually.ReachesAsync(host.EffectsAsync, e => e.Count == 3, what: "the widget events after the skipped one");

        Assert.Equal([1, 2, 3], effects.Select(e => e.Sequence));
        Assert.Equal(0, await host.CountAsync("SELECT count(*) FROM dead_letters"));
        Assert.Equal(0, await host.CountAsync("SELECT count(*) FROM inbox WHERE event_id = 'evt-not-ours'"));
    }

    [Fact]
    public async Task Events_of_one_key_are_handled_in_order_under_concurrent_publishers_and_two_replicas()
    {
        var connectionString = await servers.CreateDatabaseAsync("widgets");
        var first = await StartAsync("widgets-order", connectionString, "replica-1");
        var second = await StartAsync("widgets-order", connectionString, "replica-2");

        const int Keys = 8, PerKey = 40;
        await Task.WhenAll(Enumerable.Range(0, Keys).Select(async key =>
        {
            var publisher = key % 2 == 0 ? first : second;
            for (var sequence = 1; sequence <= PerKey; sequence += 4)
            {
                await publisher.PublishAsync($"key-{key}", sequence, 4);
            }
        }));

        var effects = await Eventually.ReachesAsync(first.EffectsAsync, e => e.Count >= Keys * PerKey, TimeSpan.FromSeconds(40), "every event handled");
        Assert.Equal(Keys * PerKey, effects.Count);
        Assert.Equal(Keys * PerKey, effects.Select(e => e.EventId).Distinct().Count());
        foreach (var key in effects.GroupBy(e => e.WidgetId))
        {
            Assert.Equal(Enumerable.Range(1, PerKey), key.Select(e => e.Sequence));
        }
    }

    [Fact]
    public async Task A_replica_that_stops_hands_its_partitions_to_another_without_losing_or_reordering()
    {
        var connectionString = await servers.CreateDatabaseAsync("widgets");
        var leaving = await WidgetHost.StartAsync(connectionString, servers.RedisConnectionString, _prefix, "widgets-handover", "replica-1");
        var staying = await StartAsync("widgets-handover", connectionString, "replica-2");

        for (var sequence = 1; sequence <= 30; sequence += 3)
        {
            await staying.PublishAsync("key-a", sequence, 3);
            await staying.PublishAsync("key-b", sequence, 3);
        }

        await Eventually.ReachesAsync(staying.EffectsAsync, e => e.Count >= 10, what: "some events handled before the hand-over");
        await leaving.DisposeAsync();
        for (var sequence = 31; sequence <= 60; sequence += 3)
        {
            await staying.PublishAsync("key-a", sequence, 3);
            await staying.PublishAsync("key-b", sequence, 3);
        }

        var effects = await Eventually.ReachesAsync(staying.EffectsAsync, e => e.Count >= 120, TimeSpan.FromSeconds(40), "all 120 events");
        await Task.Delay(300);
        effects = await staying.EffectsAsync();
        Assert.Equal(120, effects.Count);
        Assert.Equal(120, effects.Select(e => e.EventId).Distinct().Count());
        foreach (var key in effects.GroupBy(e => e.WidgetId))
        {
            Assert.Equal(Enumerable.Range(1, 60), key.Select(e => e.Sequence));
        }
    }

    private async Task<WidgetHost> StartAsync(string subscription, string? connectionString = null, string consumer = "replica-1")
    {
        var host = await WidgetHost.StartAsync(connectionString ?? await servers.CreateDatabaseAsync("widgets"), servers.RedisConnectionString, _prefix, subscription, consumer);
        _hosts.Add(host);
        return host;
    }

    private string StreamFor(string topic, string key) => StreamNames.For(_prefix, topic, Transport.Partitioning.PartitionOf(key, 4));

    private async Task<bool> GroupDoneWithAsync(string stream, string group, RedisValue id)
    {
        var info = (await _redis.GetDatabase().StreamGroupInfoAsync(stream)).Single(g => g.Name == group);
        return info.PendingMessageCount == 0 && info.LastDeliveredId == id;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }
}
