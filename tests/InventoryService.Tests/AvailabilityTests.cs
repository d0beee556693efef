using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Distribution.Aspire.InventoryService.Tests;

public sealed class AvailabilityTests(TestServers servers) : InventoryTestBase(servers)
{
    private const string AvailabilityChangedType = "distribution.inventory.availability_changed.v1";

    [Fact]
    public async Task Partner_reads_answer_the_callers_channel_and_need_a_partner_identity()
    {
        await Host.CreateLocationAsync("WH-1");
        await Host.AdjustAsync("SKU-A", "WH-1", 7);
        using var anonymous = Host.App.CreateClient();
        using var shopify = Host.PartnerClient("shopify");

        using var unauthorized = await anonymous.GetAsync("/v1/inventory/SKU-A");
        using var unknown = await shopify.GetAsync("/v1/inventory/NO-SUCH-SKU");
        var found = await shopify.GetFromJsonAsync<JsonElement>("/v1/inventory/SKU-A");

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal("unauthorized", (await unauthorized.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal("unknown_sku", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal("SKU-A", found.GetProperty("sku").GetString());
        Assert.Equal(7, found.GetProperty("available").GetInt32());
        Assert.Equal("shopify", found.GetProperty("channel").GetString());
    }

    [Fact]
    public async Task Safety_stock_and_channel_allocations_shape_what_each_channel_may_offer()
    {
        await Host.CreateLocationAsync("WH-1");
        await Host.AdjustAsync("SKU-A", "WH-1", 100);
        using (var safety = await Host.Admin.PutAsJsonAsync("/admin/inventory/SKU-A/safety-stock", new { locationId = "WH-1", safetyStock = 10 }))
        {
            Assert.Equal(90, (await safety.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("available").GetInt32());
        }

        using var put = await Host.Admin.PutAsJsonAsync("/admin/inventory/SKU-A/allocations", new
        {
            channels = new object[] { new { channel = "amazon", sharePercent = 50, buffer = 5 }, new { channel = "wholesale", sharePercent = 0, buffer = 0 } },
        });
        var inventory = await put.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(90, inventory.GetProperty("available").GetInt32());
        var channels = inventory.GetProperty("channels").EnumerateArray().ToDictionary(c => c.GetProperty("channel").GetString()!, c => c.GetProperty("available").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["amazon"] = 40, ["b2b"] = 90, ["shopify"] = 90, ["wholesale"] = 0 }, channels);
        using var amazon = Host.PartnerClient("amazon");
        Assert.Equal(40, (await amazon.GetFromJsonAsync<JsonElement>("/v1/inventory/SKU-A")).GetProperty("available").GetInt32());
        await Host.AssertLedgerMatchesPositionsAsync();

        var changed = await Eventually.ReachesAsync(
            () => Host.EventsAsync(AvailabilityChangedType),
            e => e.Count > 0 && e[^1].Data.GetProperty("channels").GetArrayLength() == 4,
            what: "an availability event with the allocations");
        Assert.Equal(40, changed[^1].Data.GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("channel").GetString() == "amazon").GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task Reads_are_served_from_redis_and_invalidated_after_a_change()
    {
        await Host.CreateLocationAsync("WH-1");
        await Host.AdjustAsync("SKU-A", "WH-1", 5);
        var redis = Host.Redis.GetDatabase();

        // Two invalidations follow the adjustment: the API's after its commit, the publisher's after it published the SKU.
        await Eventually.ReachesAsync(
            async () => (string?)await redis.StringGetAsync($"{KeyPrefix}inventory:availability-generation:SKU-A"), generation => generation == "2", what: "both invalidations");
        using var partner = Host.PartnerClient("b2b");
        Assert.Equal(5, await AvailableAsync(partner));
        var key = $"{KeyPrefix}inventory:availability:SKU-A";
        var ttl = await redis.KeyTimeToLiveAsync(key);
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));

        // A value only the cache knows proves the read came from Redis.
        var cached = (await redis.StringGetAsync(key)).ToString().Replace("\"onHand\":5", "\"onHand\":999", StringComparison.Ordinal);
        await redis.StringSetAsync(key, cached, TimeSpan.FromSeconds(30));
        Assert.Equal(999, await AvailableAsync(partner));

        await Host.AdjustAsync("SKU-A", "WH-1", 1);
        Assert.Equal(6, await AvailableAsync(partner));
    }

    [Fact]
    public async Task Changes_made_by_events_reach_cached_reads_within_one_publish_window()
    {
        await Host.CreateLocationAsync("WH-1");
        await Host.AdjustAsync("SKU-A", "WH-1", 5);
        using var partner = Host.PartnerClient("b2b");
        Assert.Equal(5, await AvailableAsync(partner));

        await Host.PublishAsync(new OrderReceived(
            Guid.NewGuid(), "shopify", "partner-1", "CH-1", FulfillmentChannels.Merchant, 0, DateTimeOffset.UtcNow, [new OrderedLine("1", "SKU-A", 2)]));

        await Eventually.ReachesAsync(() => AvailableAsync(partner), available => available == 3, TimeSpan.FromSeconds(4), "the reservation to show in cached reads");
    }

    [Fact]
    public async Task A_burst_of_changes_on_two_replicas_is_coalesced_into_few_events_with_the_latest_numbers_last()
    {
        var second = await StartReplicaAsync();
        await Host.CreateLocationAsync("WH-1");
        await Host.AdjustAsync("SKU-BURST", "WH-1", 1);
        await Eventually.ReachesAsync(() => Host.EventsAsync(AvailabilityChangedType), e => e.Count == 1, what: "the first availability event");

        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                await (i % 2 == 0 ? Host : second).AdjustAsync("SKU-BURST", "WH-1", 1);
            }
            finally
            {
                gate.Release();
            }
        }));

        var events = await Eventually.ReachesAsync(
            () => Host.EventsAsync(AvailabilityChangedType),
            e => e[^1].Data.GetProperty("available").GetInt32() == 101,
            what: "an availability event with the final number");
        await Task.Delay(500);
        events = await Host.EventsAsync(AvailabilityChangedType);

        Assert.InRange(events.Count, 2, 30);
        Assert.Equal(101, events[^1].Data.GetProperty("available").GetInt32());
        Assert.Equal(101, events[^1].Data.GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("channel").GetString() == "amazon").GetProperty("available").GetInt32());
        var sequences = events.Select(e => e.Data.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        Assert.Equal(0, await Host.ScalarAsync<long>("SELECT count(*) FROM availability_dirty"));
    }

    [Fact]
    public async Task Availability_marks_survive_a_restart_and_are_published_by_the_next_replica()
    {
        // This replica never gets round to publishing: its change stays marked in Postgres.
        await StopReplicaAsync(Host);
        var silent = await StartReplicaAsync(new Dictionary<string, string?> { ["Inventory:AvailabilityPublishIntervalMilliseconds"] = "600000" });
        await silent.CreateLocationAsync("WH-1");
        await silent.AdjustAsync("SKU-A", "WH-1", 9);
        await Task.Delay(300);
        Assert.Empty(await silent.EventsAsync(AvailabilityChangedType));
        Assert.Equal(1, await silent.ScalarAsync<long>("SELECT count(*) FROM availability_dirty"));
        await StopReplicaAsync(silent);

        var next = await StartReplicaAsync();

        var published = await Eventually.ReachesAsync(() => next.EventsAsync(AvailabilityChangedType), e => e.Count == 1, what: "the marked SKU published");
        Assert.Equal(("SKU-A", 9), (published[0].Data.GetProperty("sku").GetString(), published[0].Data.GetProperty("available").GetInt32()));
        Assert.Equal(0, await next.ScalarAsync<long>("SELECT count(*) FROM availability_dirty"));
    }

    [Fact]
    public async Task A_publication_skips_a_mark_a_stock_change_holds_without_waiting_and_publishes_it_once_that_commits()
    {
        await StopReplicaAsync(Host);
        var silent = await StartReplicaAsync(new Dictionary<string, string?> { ["Inventory:AvailabilityPublishIntervalMilliseconds"] = "600000" });
        var publisher = silent.App.App.Services.GetServices<IHostedService>().OfType<Availability.AvailabilityPublisher>().Single();
        await silent.CreateLocationAsync("WH-1");
        await silent.AdjustAsync("SKU-A", "WH-1", 9);
        await silent.AdjustAsync("SKU-B", "WH-1", 4);

        // A stock change on SKU-A that has moved the position and bumped the mark but not committed yet.
        await using var connection = await silent.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var inFlight = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await using (var change = new Npgsql.NpgsqlCommand(
            """
            UPDATE positions SET on_hand = on_hand + 1 WHERE sku = 'SKU-A';
            UPDATE availability_dirty SET version = version + 1 WHERE sku = 'SKU-A';
            """, connection, inFlight))
        {
            await change.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await publisher.PublishAsync(limit.Token));
        var first = await Eventually.ReachesAsync(() => silent.EventsAsync(AvailabilityChangedType), e => e.Count == 1, what: "SKU-B published");
        Assert.Equal(("SKU-B", 4), (first[0].Data.GetProperty("sku").GetString(), first[0].Data.GetProperty("available").GetInt32()));
        Assert.Equal(["SKU-A"], await MarkedAsync(silent));

        await inFlight.CommitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, await publisher.PublishAsync(TestContext.Current.CancellationToken));

        var events = await Eventually.ReachesAsync(() => silent.EventsAsync(AvailabilityChangedType), e => e.Count == 2, what: "SKU-A published after its change");
        Assert.Equal(10, events.Single(e => e.Data.GetProperty("sku").GetString() == "SKU-A").Data.GetProperty("available").GetInt32());
        Assert.Empty(await MarkedAsync(silent));
        await StopReplicaAsync(silent);
    }

    private static async Task<List<string>> MarkedAsync(InventoryHost host)
    {
        await using var command = host.Database.CreateCommand("SELECT sku FROM availability_dirty ORDER BY sku");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var skus = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            skus.Add(reader.GetString(0));
        }

        return skus;
    }

    private static async Task<int> AvailableAsync(HttpClient partner) =>
        (await partner.GetFromJsonAsync<JsonElement>("/v1/inventory/SKU-A")).GetProperty("available").GetInt32();
}
