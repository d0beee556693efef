using System.Globalization;
using System.Net.Http.Json;
using Distribution.Aspire.Adapters.Sandbox.Shopify;
using Distribution.Aspire.Contracts.Common.V1;
using Distribution.Aspire.Contracts.Settlements.V1;
using Distribution.Aspire.TestInfrastructure;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrdersProto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.SettlementService.Tests;

/// <summary>
/// Shopify payouts: the settlement service's gRPC intake on its own, and the whole path: the sandbox shop's Shopify
/// Payments, the Shopify adapter's poller and durable outbound queue, the settlement service reconciling the payout
/// against the orders the order service received.
/// </summary>
public sealed class ShopifyPayoutTests(SettlementHost host) : IClassFixture<SettlementHost>
{
    private const string ShopifyPartner = "shopify-partner-1";
    private const string AccessToken = "shpat_settlement_tests";

    [Fact]
    public async Task A_payout_sent_over_grpc_reconciles_against_its_orders_and_a_resend_changes_nothing()
    {
        var shopifyOrderId = Random.Shared.NextInt64(5_000_000_000_000, 5_999_999_999_999).ToString(CultureInfo.InvariantCulture);
        await ShopifyOrderAsync(shopifyOrderId, ("SKU-0001", 2, "24.99", "0.00", "3.00"));
        var request = Payout(Random.Shared.NextInt64(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture), "49.54",
            Line(shopifyOrderId, "charge", "Amount", "Principal", "49.98"),
            Line(shopifyOrderId, "charge", "Amount", "Tax", "3.00"),
            Line(shopifyOrderId, "charge", "Amount", "Shipping", "5.00"),
            Line(shopifyOrderId, "charge", "Fee", "ProcessingFee", "-1.98"),
            Line(string.Empty, "adjustment", "Amount", "adjustment", "-6.46"));

        var first = await host.Settlements.IngestSettlementAsync(request);

        // The adjustment is a charge nobody expects: flagged, nothing posted.
        Assert.Equal(("mismatch", false, 2), (first.Status, first.Duplicate, first.Mismatches));
        var again = await host.Settlements.IngestSettlementAsync(request);
        Assert.Equal((first.SettlementId, true), (again.SettlementId, again.Duplicate));
        var results = (await host.SettlementAsync(Guid.Parse(first.SettlementId))).GetProperty("results").EnumerateArray()
            .Select(r => (r.GetProperty("orderReference").GetString(), r.GetProperty("result").GetString())).ToList();
        Assert.Equal([(shopifyOrderId, "matched"), (string.Empty, "unexpected_charge"), (string.Empty, "unmapped_posting")], results);
    }

    [Fact]
    public async Task A_payout_with_an_unreadable_line_is_refused_naming_the_line()
    {
        var request = Payout("7000001", "10.00", Line(string.Empty, "charge", "Amount", "Principal", "10.00"), Line(string.Empty, "charge", "Fee", "ProcessingFee", "ten"));

        var refused = await Assert.ThrowsAsync<RpcException>(() => host.Settlements.IngestSettlementAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("invalid_settlement", refused.Trailers.GetValue("error-code"));
        Assert.Contains("Line 2", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM settlements WHERE external_id = '7000001'"));
    }

    [Fact]
    public async Task Sandbox_payouts_reach_the_settlement_service_through_the_adapter_and_reconcile()
    {
        await using var sandbox = await StartSandboxAsync();
        await using var adapter = await StartAdapterAsync(new Uri(sandbox.HttpAddress, "/shopify/"));
        var desk = sandbox.App.Services.GetRequiredService<ShopifyOrderDesk>();
        var shop = sandbox.App.Services.GetRequiredService<ShopifyShop>();
        var orders = new[] { desk.Place([("SKU-0001", 2), ("SKU-0002", 1)])!, desk.Place([("SKU-0003", 3)])! };
        foreach (var order in orders)
        {
            await ShopifyOrderAsync(order.Id.ToString(CultureInfo.InvariantCulture),
                [.. order.Lines.Select(l => (l.Product.Sku, l.Quantity, Money(l.Product.Price), Money(l.Discount), Money(l.Tax)))]);
        }

        using var control = new HttpClient { BaseAddress = sandbox.HttpAddress };
        var payout = (await (await control.PostAsync("/shopify/sandbox/payouts", null)).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("payout");
        var payoutId = payout.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);

        var settlementId = await Eventually.ReachesAsync(
            () => host.ScalarAsync<Guid?>("SELECT settlement_id FROM settlements WHERE channel = 'shopify' AND external_id = @p0", payoutId),
            id => id is not null, "the payout stored as a settlement", TimeSpan.FromSeconds(60));
        var detail = await host.SettlementAsync(settlementId!.Value);
        var settlement = detail.GetProperty("settlement");
        Assert.Equal(("reconciled", ShopifyPartner, payout.GetProperty("amount").GetString()),
            (settlement.GetProperty("status").GetString(), settlement.GetProperty("partnerId").GetString(), settlement.GetProperty("totalAmount").GetString()));
        Assert.Equal(orders.Select(o => o.Id.ToString(CultureInfo.InvariantCulture)).Order(),
            detail.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("orderReference").GetString()).Order());
        Assert.All(detail.GetProperty("results").EnumerateArray(), r => Assert.Equal("matched", r.GetProperty("result").GetString()));
        Assert.Equal($"SHP-{payoutId}-USD", Assert.Single(detail.GetProperty("journals").EnumerateArray()).GetProperty("documentNumber").GetString());
        await Eventually.ReachesAsync(
            () => ScalarAsync<string>(adapter, "SELECT status FROM shopify_payouts WHERE payout_id = @p0", long.Parse(payoutId, CultureInfo.InvariantCulture)),
            status => status == "forwarded", "the adapter to record the payout forwarded");

        // A refund paid out without a received return is flagged in the next payout.
        desk.Refund(orders[0].Id);
        var second = (await (await control.PostAsync("/shopify/sandbox/payouts", null)).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>())
            .GetProperty("payout").GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);
        var refundSettlement = await Eventually.ReachesAsync(
            () => host.ScalarAsync<Guid?>("SELECT settlement_id FROM settlements WHERE channel = 'shopify' AND external_id = @p0", second),
            id => id is not null, "the second payout stored", TimeSpan.FromSeconds(60));
        var refund = Assert.Single((await host.SettlementAsync(refundSettlement!.Value)).GetProperty("results").EnumerateArray());
        Assert.Equal(("unexpected_charge", orders[0].Id.ToString(CultureInfo.InvariantCulture), "-" + Money(shop.ProductBySku("SKU-0001")!.Price)),
            (refund.GetProperty("result").GetString(), refund.GetProperty("orderReference").GetString(), refund.GetProperty("actual").GetString()));
    }

    private async Task ShopifyOrderAsync(string shopifyOrderId, params (string Sku, int Quantity, string UnitPrice, string Discount, string Tax)[] lines)
    {
        var request = new OrdersProto.SubmitOrderRequest
        {
            Channel = "shopify",
            PartnerId = ShopifyPartner,
            ChannelOrderId = shopifyOrderId,
            Currency = "USD",
            ShipTo = new Address { Name = "Ada Sandbox", Line1 = "100 Sandbox Way", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" },
        };
        request.Lines.AddRange(lines.Select((l, i) => new OrdersProto.OrderLine
        {
            LineId = (i + 1).ToString(CultureInfo.InvariantCulture),
            Sku = l.Sku,
            Quantity = l.Quantity,
            UnitPrice = new Money { Amount = l.UnitPrice, Currency = "USD" },
            Discount = new Money { Amount = l.Discount, Currency = "USD" },
            Tax = new Money { Amount = l.Tax, Currency = "USD" },
        }));
        await host.SubmitAndWaitAsync(request);
    }

    private static IngestSettlementRequest Payout(string payoutId, string total, params SettlementLine[] lines)
    {
        var request = new IngestSettlementRequest
        {
            Channel = "shopify",
            PartnerId = ShopifyPartner,
            SettlementId = payoutId,
            PeriodStart = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)),
            PeriodEnd = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero)),
            DepositDate = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 4, 0, 0, 0, TimeSpan.Zero)),
            Currency = "USD",
            TotalAmount = total,
        };
        request.Lines.AddRange(lines);
        return request;
    }

    private static SettlementLine Line(string order, string type, string amountType, string description, string amount) => new()
    {
        OrderReference = order,
        TransactionType = type,
        AmountType = amountType,
        AmountDescription = description,
        Amount = amount,
        LineReference = $"{type}-{order}",
    };

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private static Task<TestWebApp> StartSandboxAsync() =>
        TestWebApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Warning",
                ["Sandbox:Shopify:AccessToken"] = AccessToken,
                ["Sandbox:Shopify:ShopDomain"] = "settlement-tests.myshopify.com",
            },
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddShopifySandbox();
            },
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapShopifySandbox();
            });

    /// <summary>The Shopify adapter as Program.cs builds it, reading payouts from the sandbox and forwarding them to this fixture's settlement service.</summary>
    private async Task<TestWebApp> StartAdapterAsync(Uri adminBaseUrl)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:shopifydb"] = await host.Servers.CreateDatabaseAsync("shopify"),
            ["ConnectionStrings:redis"] = host.Servers.RedisConnectionString,
            ["OTEL_SERVICE_NAME"] = "shopify-adapter",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Messaging:KeyPrefix"] = host.KeyPrefix,
            ["Shopify:OrdersAddress"] = host.OrderApp.GrpcAddress.ToString(),
            ["Shopify:AdminBaseUrl"] = adminBaseUrl.ToString(),
            ["Shopify:AccessToken"] = AccessToken,
            ["Shopify:SkuMapSyncInterval"] = "00:00:00",
            ["Shopify:RequireKnownSku"] = "false",
            ["Shopify:Outbound:PollInterval"] = "00:00:00.200",
            ["Shopify:Outbound:FirstBackoff"] = "00:00:00.200",
            ["Shopify:Outbound:MaxBackoff"] = "00:00:01",
            ["Shopify:Payouts:PollInterval"] = "00:00:00.300",
            ["Shopify:Payouts:SettlementsAddress"] = host.App.GrpcAddress.ToString(),
            ["Shopify:Payouts:PartnerId"] = ShopifyPartner,
        };
        return await TestWebApp.StartAsync(settings,
            builder =>
            {
                builder.AddServiceDefaults();
                Adapters.Shopify.ApplicationServiceExtensions.AddApplicationServices(builder);
            },
            app => app.MapDefaultEndpoints());
    }

    private static async Task<T?> ScalarAsync<T>(TestWebApp app, string sql, params object[] values)
    {
        await using var command = app.App.Services.GetRequiredService<Npgsql.NpgsqlDataSource>().CreateCommand(sql);
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue($"p{i}", values[i]);
        }

        return await command.ExecuteScalarAsync() is T value ? value : default;
    }
}
