using Distribution.Aspire.Contracts.Inventory.V1;
using Distribution.Aspire.TestInfrastructure;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Distribution.Aspire.InventoryService.Tests;

/// <summary>The item master (UpsertItems): idempotent, newest change wins, bad entries refused one by one.</summary>
public sealed class ItemCatalogTests(TestServers servers) : InventoryTestBase(servers)
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Upsert_items_creates_then_updates_and_answers_a_repeat_as_unchanged()
    {
        var created = await UpsertAsync(Item("SKU-A", "Widget", Monday), Item("SKU-B", "Gadget", Monday));
        var repeated = await UpsertAsync(Item("SKU-A", "Widget", Monday), Item("SKU-B", "Gadget", Monday));
        var changed = await UpsertAsync(Item("SKU-A", "Widget, blue", Monday.AddHours(1), blocked: true, unit: "BOX"));

        Assert.Equal((2, 0, 0), (created.Created, created.Updated, created.Unchanged));
        Assert.Equal((0, 0, 2), (repeated.Created, repeated.Updated, repeated.Unchanged));
        Assert.Equal((0, 1, 0), (changed.Created, changed.Updated, changed.Unchanged));
        Assert.Equal("Widget, blue", await Host.ScalarAsync<string>("SELECT description FROM items WHERE sku = 'SKU-A'"));
        Assert.True(await Host.ScalarAsync<bool>("SELECT blocked FROM items WHERE sku = 'SKU-A'"));
        Assert.Equal("BOX", await Host.ScalarAsync<string>("SELECT unit_of_measure FROM items WHERE sku = 'SKU-A'"));
        Assert.Equal("erp", await Host.ScalarAsync<string>("SELECT source FROM items WHERE sku = 'SKU-B'"));
    }

    [Fact]
    public async Task An_item_master_change_older_than_the_stored_one_changes_nothing()
    {
        await UpsertAsync(Item("SKU-A", "New name", Monday.AddHours(2)));

        var late = await UpsertAsync(Item("SKU-A", "Old name", Monday));

        Assert.Equal(1, late.Unchanged);
        Assert.Equal("New name", await Host.ScalarAsync<string>("SELECT description FROM items WHERE sku = 'SKU-A'"));
    }

    [Fact]
    public async Task Invalid_items_are_refused_one_by_one_and_the_rest_are_applied()
    {
        var result = await UpsertAsync(Item("SKU-A", "Fine", Monday), Item("HAS SPACE", "Bad", Monday), Item("SKU-C", new string('x', 251), Monday));

        Assert.Equal(1, result.Created);
        Assert.Equal([("HAS SPACE", "invalid_sku"), ("SKU-C", "invalid_item")], result.Rejected.Select(r => (r.Sku, r.Code)));
        Assert.Equal(1, await Host.ScalarAsync<long>("SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task More_than_a_thousand_items_in_one_call_are_refused_whole()
    {
        var request = new UpsertItemsRequest { Source = "erp" };
        request.Items.AddRange(Enumerable.Range(0, 1001).Select(i => Item($"SKU-{i}", "x", Monday)));

        var refused = await Assert.ThrowsAsync<RpcException>(() => Host.Grpc.UpsertItemsAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("too_many_items", ErrorCode(refused));
        Assert.Equal(0, await Host.ScalarAsync<long>("SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task A_catalogued_sku_is_known_before_stock_arrives_and_keeps_its_description_on_receipt()
    {
        await UpsertAsync(Item("SKU-A", "Widget", Monday));
        await Host.CreateLocationAsync("WH-1");

        var order = await Host.Grpc.ReserveOrderAsync(Order(Guid.NewGuid(), "b2b", ("1", "SKU-A", 1)));
        await Host.AdjustAsync("SKU-A", "WH-1", 5);

        Assert.False(order.Reserved);
        Assert.Equal(0, Assert.Single(order.Shortages).Available);
        Assert.Equal("Widget", await Host.ScalarAsync<string>("SELECT description FROM items WHERE sku = 'SKU-A'"));
        Assert.Equal("erp", await Host.ScalarAsync<string>("SELECT source FROM items WHERE sku = 'SKU-A'"));
    }

    private async Task<UpsertItemsResponse> UpsertAsync(params CatalogItem[] items)
    {
        var request = new UpsertItemsRequest { Source = "erp" };
        request.Items.AddRange(items);
        return await Host.Grpc.UpsertItemsAsync(request);
    }

    private static CatalogItem Item(string sku, string description, DateTimeOffset modifiedAt, bool blocked = false, string unit = "PCS") => new()
    {
        Sku = sku,
        Description = description,
        UnitOfMeasure = unit,
        Blocked = blocked,
        ModifiedAt = Timestamp.FromDateTimeOffset(modifiedAt),
    };
}
