using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Distribution.Aspire.Contracts.Fulfillment.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using Npgsql;

namespace Distribution.Aspire.EndToEnd.Tests;

/// <summary>
/// The marketplace loop on the real topology: an order placed in the sandbox Shopify shop arrives as a signed
/// webhook through the gateway, is reserved at the sandbox 3PL's location, goes to the 3PL as an X12 940, ships
/// (945 back through the gateway), and the shop receives the fulfillment with its tracking number.
/// </summary>
[Collection(TopologyCollection.Name)]
public sealed class MarketplaceFlowTests(TopologyFixture topology)
{
    private const string ShopifySku = "SKU-0003";
    private const string AmazonSku = "SKU-0004";
    private const string ThreePLLocation = "3pl-sandbox";
    private static readonly SemaphoreSlim Onboarding = new(1, 1);
    private static TopologyFixture? _onboarded;
    private static string _amazonKey = string.Empty;

    [Fact]
    public async Task A_shopify_order_delivered_twice_is_one_order_fulfilled_by_the_3pl_and_both_channels_follow_stock_through_an_outage_and_a_return()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var gateway = topology.CreateGatewayClient();
        using var sandbox = new HttpClient { BaseAddress = topology.App.GetEndpoint("sandbox", "http") };

        await OnboardAsync(gateway, sandbox, cancellation);
        await AdminAsync(gateway, HttpMethod.Post, "/admin/inventory/adjustments", new { sku = ShopifySku, locationId = ThreePLLocation, delta = 10, reason = "receipt" }, cancellation);

        // Every webhook is delivered twice: still one order.
        await PutFaultsAsync(sandbox, "/shopify/sandbox/faults", new { duplicateDeliveryRate = 1.0 }, cancellation);
        using var placed = await sandbox.PostAsJsonAsync("/shopify/sandbox/orders", new { lines = new[] { new { sku = ShopifySku, quantity = 2 } } }, cancellation);
        Assert.True(placed.IsSuccessStatusCode, $"placing the shop order: {(int)placed.StatusCode} {await placed.Content.ReadAsStringAsync(cancellation)}");
        var shopOrderId = (await placed.Content.ReadFromJsonAsync<JsonElement>(cancellation)).GetProperty("id").GetInt64();

        // The shop hears back: a fulfillment of both units with the 3PL's tracking number.
        var fulfillment = await WaitForAsync(
            async () => (await sandbox.GetFromJsonAsync<JsonElement>("/shopify/sandbox/fulfillments", cancellation))
                .EnumerateArray().FirstOrDefault(f => f.GetProperty("orderId").GetInt64() == shopOrderId),
            f => f.ValueKind == JsonValueKind.Object,
            TimeSpan.FromMinutes(2),
            cancellation);
        Assert.True(fulfillment.ValueKind == JsonValueKind.Object, "the shop never received a fulfillment for its order");
        Assert.False(string.IsNullOrEmpty(fulfillment.GetProperty("trackingNumber").GetString()));
        Assert.Equal(2, fulfillment.GetProperty("lines").EnumerateArray().Sum(l => l.GetProperty("quantity").GetInt32()));

        // Behind it: one order, shipped (or delivered), and the two units left the 3PL's stock exactly once.
        await using var orders = NpgsqlDataSource.Create((await topology.App.GetConnectionStringAsync("ordersdb", cancellation))!);
        await using (var order = orders.CreateCommand("SELECT count(*), min(status) FROM orders WHERE channel = 'shopify' AND channel_order_id = $1"))
        {
            order.Parameters.Add(new NpgsqlParameter { Value = shopOrderId.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            await using var reader = await order.ExecuteReaderAsync(cancellation);
            Assert.True(await reader.ReadAsync(cancellation));
            Assert.Equal(1L, reader.GetInt64(0));
            // The sandbox 3PL reports delivery seconds after shipping, so the order may already be past shipped.
            Assert.Contains(reader.GetString(1), new[] { "shipped", "delivered" });
        }

        await using var inventory = NpgsqlDataSource.Create((await topology.App.GetConnectionStringAsync("inventorydb", cancellation))!);
        var onHand = await WaitForAsync(
            async () =>
            {
                await using var position = inventory.CreateCommand("SELECT on_hand, reserved FROM positions WHERE sku = $1 AND location_id = '3pl-sandbox'");
                position.Parameters.Add(new NpgsqlParameter { Value = ShopifySku });
                await using var reader = await position.ExecuteReaderAsync(cancellation);
                return await reader.ReadAsync(cancellation) ? (reader.GetInt32(0), reader.GetInt32(1)) : (-1, -1);
            },
            p => p == (8, 0),
            TimeSpan.FromSeconds(30),
            cancellation);
        Assert.Equal((8, 0), onHand);

        // Both channels show the truth: 8 sellable units.
        Assert.Equal(8, await WaitForAsync(() => ShopQuantityAsync(sandbox, ShopifySku, cancellation), q => q == 8, TimeSpan.FromMinutes(1), cancellation));
        Assert.Equal(8, await WaitForAsync(() => AmazonQuantityAsync(sandbox, ShopifySku, cancellation), q => q == 8, TimeSpan.FromMinutes(1), cancellation));

        // The shop is down while stock arrives: the update waits, and lands once the shop is back.
        await PutFaultsAsync(sandbox, "/shopify/sandbox/faults", new { outage = true }, cancellation);
        try
        {
            await AdminAsync(gateway, HttpMethod.Post, "/admin/inventory/adjustments", new { sku = ShopifySku, locationId = ThreePLLocation, delta = 3, reason = "receipt" }, cancellation);
            Assert.Equal(11, await WaitForAsync(() => AmazonQuantityAsync(sandbox, ShopifySku, cancellation), q => q == 11, TimeSpan.FromMinutes(1), cancellation));
            Assert.Equal(8, await ShopQuantityAsync(sandbox, ShopifySku, cancellation));
        }
        finally
        {
            await PutFaultsAsync(sandbox, "/shopify/sandbox/faults", new { }, cancellation);
        }

        Assert.Equal(11, await WaitForAsync(() => ShopQuantityAsync(sandbox, ShopifySku, cancellation), q => q == 11, TimeSpan.FromMinutes(2), cancellation));

        // A sellable return of one unit at the 3PL restocks it, and the channels hear of it.
        await ReturnOneUnitAsync(orders, "shopify", shopOrderId.ToString(System.Globalization.CultureInfo.InvariantCulture), ShopifySku, cancellation);
        Assert.Equal(12, await WaitForAsync(() => ShopQuantityAsync(sandbox, ShopifySku, cancellation), q => q == 12, TimeSpan.FromMinutes(1), cancellation));
    }

    private static async Task<int> ShopQuantityAsync(HttpClient sandbox, string sku, CancellationToken cancellation)
    {
        using var response = await sandbox.GetAsync($"/shopify/sandbox/quantities/{sku}", cancellation);
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>(cancellation)).GetProperty("available").GetInt32() : -1;
    }

    private static async Task<int> AmazonQuantityAsync(HttpClient sandbox, string sku, CancellationToken cancellation)
    {
        var quantities = await sandbox.GetFromJsonAsync<JsonElement>("/sandbox/amazon/quantities", cancellation);
        return quantities.TryGetProperty(sku, out var listed) ? listed.GetProperty("quantity").GetInt32() : -1;
    }

    private static async Task PutFaultsAsync(HttpClient sandbox, string path, object faults, CancellationToken cancellation)
    {
        using var response = await sandbox.PutAsJsonAsync(path, faults, cancellation);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
    }

    [Fact]
    public async Task An_amazon_order_is_reserved_shipped_by_the_3pl_and_confirmed_to_amazon()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var gateway = topology.CreateGatewayClient();
        using var sandbox = new HttpClient { BaseAddress = topology.App.GetEndpoint("sandbox", "http") };
        await OnboardAsync(gateway, sandbox, cancellation);
        await AdminAsync(gateway, HttpMethod.Post, "/admin/inventory/adjustments", new { sku = AmazonSku, locationId = ThreePLLocation, delta = 5, reason = "receipt" }, cancellation);

        using var placed = await sandbox.PostAsJsonAsync(
            "/sandbox/amazon/orders", new { items = new[] { new { sku = AmazonSku, quantity = 1 } }, fulfillmentChannel = "MFN" }, cancellation);
        Assert.True(placed.IsSuccessStatusCode, $"placing the Amazon order: {(int)placed.StatusCode} {await placed.Content.ReadAsStringAsync(cancellation)}");
        var amazonOrderId = (await placed.Content.ReadFromJsonAsync<JsonElement>(cancellation)).GetProperty("amazonOrderId").GetString()!;

        // The ORDER_CHANGE notification came through the gateway; the adapter fetched the order, and once the
        // 3PL shipped it the adapter confirmed the shipment to Amazon with the 3PL's tracking number.
        var confirmation = await WaitForAsync(
            async () => (await sandbox.GetFromJsonAsync<JsonElement>("/sandbox/amazon/shipments", cancellation))
                .EnumerateArray().FirstOrDefault(c => c.GetProperty("amazonOrderId").GetString() == amazonOrderId),
            c => c.ValueKind == JsonValueKind.Object,
            TimeSpan.FromMinutes(2),
            cancellation);
        Assert.True(confirmation.ValueKind == JsonValueKind.Object, "Amazon never received a shipment confirmation for its order");
        Assert.False(string.IsNullOrEmpty(confirmation.GetProperty("trackingNumber").GetString()));
        Assert.Equal(1, confirmation.GetProperty("items").EnumerateArray().Sum(i => i.GetProperty("quantity").GetInt32()));

        await using var orders = NpgsqlDataSource.Create((await topology.App.GetConnectionStringAsync("ordersdb", cancellation))!);
        await using var order = orders.CreateCommand("SELECT count(*) FROM orders WHERE channel = 'amazon' AND channel_order_id = $1");
        order.Parameters.Add(new NpgsqlParameter { Value = amazonOrderId });
        Assert.Equal(1L, (long)(await order.ExecuteScalarAsync(cancellation))!);
    }

    [Fact]
    public async Task A_settlement_for_a_shipped_and_partly_returned_amazon_order_reconciles_and_posts_one_balanced_journal_despite_erp_faults()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var gateway = topology.CreateGatewayClient();
        using var sandbox = new HttpClient { BaseAddress = topology.App.GetEndpoint("sandbox", "http") };
        await OnboardAsync(gateway, sandbox, cancellation);
        const string Sku = "SKU-0005";
        await AdminAsync(gateway, HttpMethod.Post, "/admin/inventory/adjustments", new { sku = Sku, locationId = ThreePLLocation, delta = 5, reason = "receipt" }, cancellation);

        using var placed = await sandbox.PostAsJsonAsync(
            "/sandbox/amazon/orders", new { items = new[] { new { sku = Sku, quantity = 2, unitPrice = 12.50m } }, fulfillmentChannel = "MFN" }, cancellation);
        Assert.True(placed.IsSuccessStatusCode, $"placing the Amazon order: {(int)placed.StatusCode}");
        var amazonOrderId = (await placed.Content.ReadFromJsonAsync<JsonElement>(cancellation)).GetProperty("amazonOrderId").GetString()!;
        var shipped = await WaitForAsync(
            async () => (await sandbox.GetFromJsonAsync<JsonElement>("/sandbox/amazon/shipments", cancellation))
                .EnumerateArray().Any(c => c.GetProperty("amazonOrderId").GetString() == amazonOrderId),
            done => done,
            TimeSpan.FromMinutes(2),
            cancellation);
        Assert.True(shipped, "the Amazon order never shipped");

        await using var orders = NpgsqlDataSource.Create((await topology.App.GetConnectionStringAsync("ordersdb", cancellation))!);
        await using var totals = orders.CreateCommand("SELECT subtotal - discount_total, tax_total FROM orders WHERE channel = 'amazon' AND channel_order_id = $1");
        totals.Parameters.Add(new NpgsqlParameter { Value = amazonOrderId });
        decimal principal, tax;
        await using (var reader = await totals.ExecuteReaderAsync(cancellation))
        {
            Assert.True(await reader.ReadAsync(cancellation));
            (principal, tax) = (reader.GetDecimal(0), reader.GetDecimal(1));
        }

        // One of the two units comes back sellable: the return's refund is what the report's refund must match.
        var (orderId, received) = await ReturnOneUnitAsync(orders, "amazon", amazonOrderId, Sku, cancellation);
        var refund = decimal.Parse(received.RefundAmount, System.Globalization.CultureInfo.InvariantCulture);
        var refundPrincipal = principal / 2;

        await using var settlements = NpgsqlDataSource.Create((await topology.App.GetConnectionStringAsync("settlementdb", cancellation))!);
        var known = await WaitForAsync(
            async () =>
            {
                await using var command = settlements.CreateCommand(
                    "SELECT count(*) FROM known_orders o JOIN known_returns r USING (order_id) WHERE o.order_id = $1 AND o.status = 'shipped'");
                command.Parameters.Add(new NpgsqlParameter { Value = Guid.Parse(orderId) });
                return (long)(await command.ExecuteScalarAsync(cancellation))!;
            },
            count => count == 1,
            TimeSpan.FromMinutes(1),
            cancellation);
        Assert.Equal(1L, known);

        // The ERP commits the first post and drops its answer, then refuses the next two: the adapter must
        // find the entry it already made instead of posting it again.
        using (var faults = await sandbox.PutAsJsonAsync("/sandbox/erp/faults", new { dropResponseNext = 1, failNext = 2, failStatus = 503, only = "posts" }, cancellation))
        {
            Assert.True(faults.IsSuccessStatusCode);
        }

        var settlementId = Random.Shared.NextInt64(10_000_000_000, 99_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        static decimal Cents(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);
        var report = SettlementReport(settlementId, amazonOrderId, Sku,
        [
            ("Order", "ItemPrice", "Principal", principal, "2"),
            ("Order", "ItemPrice", "Tax", tax, ""),
            ("Order", "ItemFees", "Commission", -Cents(principal * 0.15m), ""),
            ("Refund", "ItemPrice", "Principal", -refundPrincipal, ""),
            ("Refund", "ItemPrice", "Tax", -(refund - refundPrincipal), ""),
            ("Refund", "ItemFees", "Commission", Cents(refundPrincipal * 0.15m), ""),
            ("Refund", "ItemFees", "RefundCommission", -Cents(refundPrincipal * 0.03m), ""),
        ]);
        using (var sent = await SendSettlementAsync(gateway, report, cancellation))
        {
            Assert.True(sent.IsSuccessStatusCode, $"settlement: {(int)sent.StatusCode} {await sent.Content.ReadAsStringAsync(cancellation)}");
        }

        var documentNumber = $"AMZ-{settlementId}-USD";
        var posted = await WaitForAsync(() => JournalEntriesAsync(sandbox, documentNumber, cancellation), entries => entries.Count > 0, TimeSpan.FromMinutes(2), cancellation);
        var entry = Assert.Single(posted);
        // Business Central's sign convention: debits positive, credits negative, so a balanced entry sums to zero.
        var amounts = entry.GetProperty("journalLines").EnumerateArray().Select(l => l.GetProperty("amount").GetDecimal()).ToList();
        Assert.True(amounts.Count >= 2);
        Assert.Equal(0m, amounts.Sum());

        // The same report again changes nothing, and the journal stays single.
        using (var again = await SendSettlementAsync(gateway, report, cancellation))
        {
            Assert.True(again.IsSuccessStatusCode);
        }

        var status = await WaitForAsync(
            async () =>
            {
                await using var command = settlements.CreateCommand("SELECT status FROM settlements WHERE external_id = $1");
                command.Parameters.Add(new NpgsqlParameter { Value = settlementId });
                return (string?)await command.ExecuteScalarAsync(cancellation);
            },
            s => s == "posted",
            TimeSpan.FromMinutes(1),
            cancellation);
        Assert.Equal("posted", status);
        Assert.Single(await JournalEntriesAsync(sandbox, documentNumber, cancellation));
    }

    private static string SettlementReport(
        string settlementId, string orderId, string sku, IReadOnlyList<(string Transaction, string AmountType, string Description, decimal Amount, string Quantity)> amounts)
    {
        string[] columns =
        [
            "settlement-id", "settlement-start-date", "settlement-end-date", "deposit-date", "total-amount", "currency",
            "transaction-type", "order-id", "merchant-order-id", "adjustment-id", "shipment-id", "marketplace-name",
            "amount-type", "amount-description", "amount", "fulfillment-id", "posted-date", "posted-date-time",
            "order-item-code", "merchant-order-item-id", "merchant-adjustment-item-id", "sku", "quantity-purchased",
        ];
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        var today = DateTimeOffset.UtcNow;
        var rows = amounts.Where(a => a.Amount != 0).Select(a => new Dictionary<string, string>
        {
            ["settlement-id"] = settlementId, ["transaction-type"] = a.Transaction, ["order-id"] = orderId,
            ["adjustment-id"] = a.Transaction == "Refund" ? $"adj-{orderId}" : string.Empty,
            ["shipment-id"] = a.Transaction == "Refund" ? string.Empty : $"ship-{orderId}",
            ["marketplace-name"] = "Amazon.com", ["amount-type"] = a.AmountType, ["amount-description"] = a.Description,
            ["amount"] = a.Amount.ToString("0.00", culture), ["fulfillment-id"] = "MFN",
            ["posted-date"] = today.ToString("yyyy-MM-dd", culture), ["posted-date-time"] = today.ToString("yyyy-MM-ddTHH:mm:sszzz", culture),
            ["order-item-code"] = "1", ["sku"] = sku, ["quantity-purchased"] = a.Quantity,
        }).ToList();
        var summary = new Dictionary<string, string>
        {
            ["settlement-id"] = settlementId,
            ["settlement-start-date"] = today.AddDays(-14).ToString("yyyy-MM-ddTHH:mm:sszzz", culture),
            ["settlement-end-date"] = today.ToString("yyyy-MM-ddTHH:mm:sszzz", culture),
            ["deposit-date"] = today.AddDays(2).ToString("yyyy-MM-ddTHH:mm:sszzz", culture),
            ["total-amount"] = amounts.Sum(a => a.Amount).ToString("0.00", culture),
            ["currency"] = "USD",
        };
        return string.Join("\r\n", rows.Prepend(summary).Select(row => string.Join('\t', columns.Select(c => row.GetValueOrDefault(c, string.Empty))))
            .Prepend(string.Join('\t', columns))) + "\r\n";
    }

    /// <summary>Authorizes and receives a sellable return of one unit of the order's line for <paramref name="sku"/> at the 3PL.</summary>
    private async Task<(string OrderId, Return Received)> ReturnOneUnitAsync(
        NpgsqlDataSource orders, string channel, string channelOrderId, string sku, CancellationToken cancellation)
    {
        string orderId, lineId;
        await using (var command = orders.CreateCommand(
            "SELECT o.order_id, l.line_id FROM orders o JOIN order_lines l USING (order_id) WHERE o.channel = $1 AND o.channel_order_id = $2 AND l.sku = $3"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = channel });
            command.Parameters.Add(new NpgsqlParameter { Value = channelOrderId });
            command.Parameters.Add(new NpgsqlParameter { Value = sku });
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            Assert.True(await reader.ReadAsync(cancellation));
            (orderId, lineId) = (reader.GetGuid(0).ToString(), reader.GetString(1));
        }

        using var grpc = GrpcChannel.ForAddress(topology.App.GetEndpoint("fulfillmentservice", "grpc"));
        var fulfillment = new Fulfillment.FulfillmentClient(grpc);
        var line = new ReturnLine { LineId = lineId, Sku = sku, Quantity = 1, Disposition = Disposition.Restock };
        var authorized = await fulfillment.AuthorizeReturnAsync(
            new AuthorizeReturnRequest { OrderId = orderId, Reference = $"RMA-{channelOrderId}", Reason = "changed mind", Lines = { line } }, cancellationToken: cancellation);
        var received = await fulfillment.ReceiveReturnAsync(
            new ReceiveReturnRequest { ReturnId = authorized.ReturnId, LocationId = ThreePLLocation, Lines = { line }, ReceivedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) },
            cancellationToken: cancellation);
        return (orderId, received);
    }

    private static async Task<HttpResponseMessage> SendSettlementAsync(HttpClient gateway, string report, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/partners/amazon/settlements")
        {
            Content = new StringContent(report, System.Text.Encoding.UTF8, "text/tab-separated-values"),
        };
        request.Headers.Add("X-Api-Key", _amazonKey);
        return await gateway.SendAsync(request, cancellation);
    }

    private static async Task<List<JsonElement>> JournalEntriesAsync(HttpClient sandbox, string documentNumber, CancellationToken cancellation)
    {
        var inspect = await sandbox.GetFromJsonAsync<JsonElement>("/sandbox/erp/inspect", cancellation);
        return [.. inspect.GetProperty("journalEntries").EnumerateArray()
            .Where(e => string.Equals(e.GetProperty("externalDocumentNumber").GetString(), documentNumber, StringComparison.OrdinalIgnoreCase))];
    }

    /// <summary>Registers the sandbox partners at the gateway (once per topology) and the 3PL's location at Inventory.</summary>
    private async Task OnboardAsync(HttpClient gateway, HttpClient sandbox, CancellationToken cancellation)
    {
        await Onboarding.WaitAsync(cancellation);
        try
        {
            if (ReferenceEquals(_onboarded, topology))
            {
                return;
            }

            await AdminAsync(gateway, HttpMethod.Post, "/admin/partners", new
            {
                partnerId = "shopify-sandbox", kind = "marketplace", channel = "shopify", scopes = new[] { "shopify" },
                rateLimit = new { perSecond = 100, burst = 200 }, shopDomain = "distribution-sandbox.myshopify.com",
            }, cancellation);
            await AdminAsync(gateway, HttpMethod.Put, "/admin/partners/shopify-sandbox/webhook-secret", new { secret = "sandbox-webhook-secret" }, cancellation);
            _amazonKey = await CreatePartnerAsync(gateway, "amazon-sandbox", "marketplace", "amazon", "amazon", cancellation);
            await PutKeyAsync(sandbox, "/sandbox/amazon/credentials", _amazonKey, cancellation);
            await PutKeyAsync(sandbox, "/sandbox/3pl/credentials", await CreatePartnerAsync(gateway, "sandbox-3pl", "3pl", "3pl", "3pl", cancellation), cancellation);
            await AdminAsync(gateway, HttpMethod.Post, "/admin/locations", new { locationId = ThreePLLocation, kind = "3pl", partnerId = "sandbox-3pl" }, cancellation);
            _onboarded = topology;
        }
        finally
        {
            Onboarding.Release();
        }
    }

    private static async Task<string> CreatePartnerAsync(HttpClient gateway, string partnerId, string kind, string channel, string scope, CancellationToken cancellation)
    {
        using var created = await AdminAsync(gateway, HttpMethod.Post, "/admin/partners", new
        {
            partnerId, kind, channel, scopes = new[] { scope }, rateLimit = new { perSecond = 100, burst = 200 },
        }, cancellation);
        return (await created.Content.ReadFromJsonAsync<JsonElement>(cancellation)).GetProperty("apiKey").GetString()!;
    }

    private static async Task PutKeyAsync(HttpClient sandbox, string path, string apiKey, CancellationToken cancellation)
    {
        using var response = await sandbox.PutAsJsonAsync(path, new { apiKey }, cancellation);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
    }

    private static async Task<HttpResponseMessage> AdminAsync(HttpClient gateway, HttpMethod method, string path, object body, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Admin-Key", TopologyFixture.AdminKey);
        var response = await gateway.SendAsync(request, cancellation);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellation)}");
        return response;
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan limit, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(500, cancellation);
        }
    }
}
