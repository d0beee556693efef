using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.Adapters.Sandbox.Erp;
using Distribution.Aspire.Contracts.Inventory.V1;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.Erp.Tests;

/// <summary>The ERP's item master reaches inventory's catalogue: every page, then only what changed.</summary>
public sealed class ItemMasterSyncTests(TestServers servers)
{
    private static readonly Dictionary<string, string?> SmallPages = new()
    {
        ["Sandbox:Erp:PageSize"] = "7",
        ["Sandbox:Erp:GeneratedItems"] = "30",
    };

    [Fact]
    public async Task Item_master_sync_follows_every_page_into_inventory()
    {
        await using var host = await ErpHost.StartAsync(servers, sandbox: SmallPages, withInventory: true);
        using var admin = host.AdminClient();

        var result = await SyncAsync(admin);

        // 13 seeded + 30 generated items, 7 per page.
        Assert.Equal(43, result.GetProperty("items").GetInt32());
        Assert.Equal(7, result.GetProperty("pages").GetInt32());
        Assert.Equal(43, result.GetProperty("created").GetInt32());
        Assert.True(result.GetProperty("full").GetBoolean());
        Assert.Equal(7, host.Erp.Counters()["items.pages"]);
        Assert.Equal(43, await ErpHost.ScalarAsync<long>(host.InventoryDatabase, "SELECT count(*) FROM items WHERE source = 'erp'"));
        Assert.Equal("Item ITEM-00030", await ErpHost.ScalarAsync<string>(host.InventoryDatabase, "SELECT description FROM items WHERE sku = 'ITEM-00030'"));
        Assert.Equal("PCS", await ErpHost.ScalarAsync<string>(host.InventoryDatabase, "SELECT unit_of_measure FROM items WHERE sku = 'SKU-1'"));

        // A catalogued SKU without stock is known to inventory: an order for it is short, not refused as unknown.
        var reservation = await host.InventoryClient.ReserveOrderAsync(new ReserveOrderRequest
        {
            OrderId = Guid.NewGuid().ToString(),
            Channel = "b2b",
            Lines = { new ReservationLine { LineId = "1", Sku = "ITEM-00001", Quantity = 1 } },
        });
        Assert.False(reservation.Reserved);
        Assert.Equal("ITEM-00001", Assert.Single(reservation.Shortages).Sku);
    }

    [Fact]
    public async Task Later_syncs_read_only_what_changed_in_the_item_master()
    {
        await using var host = await ErpHost.StartAsync(servers, sandbox: SmallPages, withInventory: true);
        using var admin = host.AdminClient();
        await SyncAsync(admin);

        host.Erp.UpsertItems([new ItemUpdate("SKU-1", "Widget, blue", true, "BOX", null), new ItemUpdate("NEW-1", "New gadget", null, null, 12m)]);
        var second = await SyncAsync(admin);
        Assert.False(second.GetProperty("full").GetBoolean());
        Assert.Equal(1, second.GetProperty("created").GetInt32());
        Assert.Equal(1, second.GetProperty("updated").GetInt32());

        // The watermark trails the newest change (by the run's length and a minute): what is read again is unchanged.
        var third = await SyncAsync(admin);
        Assert.InRange(third.GetProperty("items").GetInt32(), 2, 44);
        Assert.Equal(third.GetProperty("items").GetInt32(), third.GetProperty("unchanged").GetInt32());

        Assert.Equal("Widget, blue", await ErpHost.ScalarAsync<string>(host.InventoryDatabase, "SELECT description FROM items WHERE sku = 'SKU-1'"));
        Assert.True(await ErpHost.ScalarAsync<bool>(host.InventoryDatabase, "SELECT blocked FROM items WHERE sku = 'SKU-1'"));
        Assert.Equal("BOX", await ErpHost.ScalarAsync<string>(host.InventoryDatabase, "SELECT unit_of_measure FROM items WHERE sku = 'SKU-1'"));
        Assert.Equal(44, await ErpHost.ScalarAsync<long>(host.InventoryDatabase, "SELECT count(*) FROM items"));
        var status = await admin.GetFromJsonAsync<JsonElement>("/admin/erp/items/sync");
        Assert.Equal(JsonValueKind.Null, status.GetProperty("lastError").ValueKind);
    }

    [Fact]
    public async Task An_item_edited_while_a_sync_reads_later_pages_is_taken_by_the_next_sync()
    {
        await using var host = await ErpHost.StartAsync(servers, sandbox: SmallPages, withInventory: true);
        using var admin = host.AdminClient();
        await SyncAsync(admin);

        // The next run reads the first page (ITEM-00001 on it), then ITEM-00001 and, a moment later, SKU-1 (a later page) change.
        var pagesBefore = host.Erp.Counters()["items.pages"];
        host.Erp.AfterItemsPage = served =>
        {
            if (served == pagesBefore + 1)
            {
                var edited = host.Erp.UpsertItems([new ItemUpdate("ITEM-00001", "Edited while the sync ran", null, null, null)])[0].LastModifiedDateTime;
                SpinWait.SpinUntil(() => host.Erp.Time.GetUtcNow() > edited);
                host.Erp.UpsertItems([new ItemUpdate("SKU-1", "Edited a moment later", null, null, null)]);
            }
        };
        await SyncAsync(admin);
        host.Erp.AfterItemsPage = null;
        Assert.Equal("Item ITEM-00001", await ErpHost.ScalarAsync<string>(host.InventoryDatabase, "SELECT description FROM items WHERE sku = 'ITEM-00001'"));

        await SyncAsync(admin);

        Assert.Equal("Edited while the sync ran", await ErpHost.ScalarAsync<string>(host.InventoryDatabase, "SELECT description FROM items WHERE sku = 'ITEM-00001'"));
        Assert.Equal("Edited a moment later", await ErpHost.ScalarAsync<string>(host.InventoryDatabase, "SELECT description FROM items WHERE sku = 'SKU-1'"));
    }

    [Fact]
    public async Task Items_inventory_refuses_become_exceptions_and_the_rest_are_taken()
    {
        await using var host = await ErpHost.StartAsync(servers, withInventory: true);
        host.Erp.UpsertItems([new ItemUpdate("BAD SKU", "Has a space", null, null, null)]);
        using var admin = host.AdminClient();

        var result = await SyncAsync(admin);

        Assert.Equal(1, result.GetProperty("rejected").GetInt32());
        Assert.Equal(13, result.GetProperty("created").GetInt32());
        var list = await admin.GetFromJsonAsync<JsonElement>("/admin/erp/exceptions?kind=item");
        var exception = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal("BAD SKU", exception.GetProperty("documentNumber").GetString());
        Assert.Equal("invalid_sku", exception.GetProperty("code").GetString());

        // The same refusal on the next sync does not pile up.
        await SyncAsync(admin, full: true);
        Assert.Single((await admin.GetFromJsonAsync<JsonElement>("/admin/erp/exceptions?kind=item")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Sync_reports_an_unreachable_erp_and_keeps_its_watermark()
    {
        await using var host = await ErpHost.StartAsync(servers, withInventory: true);
        using var admin = host.AdminClient();
        host.Faults(new ErpFaults { Down = true });

        using var failed = await admin.PostAsync("/admin/erp/items:sync", null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal("erp_unavailable", (await failed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(0, await ErpHost.ScalarAsync<long>(host.InventoryDatabase, "SELECT count(*) FROM items"));
        host.Faults(new ErpFaults());
        var result = await SyncAsync(admin);
        Assert.True(result.GetProperty("full").GetBoolean());
        Assert.Equal(13, result.GetProperty("created").GetInt32());
    }

    [Fact]
    public async Task Periodic_sync_fills_the_catalogue_without_an_operator()
    {
        await using var host = await ErpHost.StartAsync(servers, withInventory: true, adapter: new Dictionary<string, string?> { ["Erp:ItemSyncIntervalSeconds"] = "1" });
        host.Erp.UpsertItems([new ItemUpdate("LATE-1", "Added later", null, null, null)]);

        await Eventually.TrueAsync(async () => await ErpHost.ScalarAsync<long>(host.InventoryDatabase, "SELECT count(*) FROM items WHERE sku = 'LATE-1'") == 1,
            "the periodic sync took the new item");
        Assert.Equal(14, await ErpHost.ScalarAsync<long>(host.InventoryDatabase, "SELECT count(*) FROM items"));
    }

    private static async Task<JsonElement> SyncAsync(HttpClient admin, bool full = false)
    {
        using var response = await admin.PostAsync($"/admin/erp/items:sync{(full ? "?full=true" : string.Empty)}", null);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body;
    }
}
