using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.InventoryService.Tests;

public sealed class RedisOutageTests(TestServers servers) : InventoryTestBase(servers)
{
    // Nothing listens on port 1: the service runs with Redis unreachable from the start.
    protected override IReadOnlyDictionary<string, string?>? Settings { get; } = new Dictionary<string, string?>
    {
        ["ConnectionStrings:redis"] = "127.0.0.1:1,abortConnect=false,connectTimeout=200",
    };

    [Fact]
    public async Task Reads_fall_back_to_postgres_when_redis_is_unreachable()
    {
        await Host.CreateLocationAsync("WH-1");
        await Host.AdjustAsync("SKU-A", "WH-1", 4);
        using var partner = Host.PartnerClient("shopify");

        var first = await partner.GetFromJsonAsync<JsonElement>("/v1/inventory/SKU-A");
        await Host.AdjustAsync("SKU-A", "WH-1", 2);
        var second = await partner.GetFromJsonAsync<JsonElement>("/v1/inventory/SKU-A");

        Assert.Equal(4, first.GetProperty("available").GetInt32());
        Assert.Equal(6, second.GetProperty("available").GetInt32());
    }
}
