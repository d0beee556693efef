using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.Adapters.Erp.Connector;
using Distribution.Aspire.Adapters.Erp.Postings;
using Distribution.Aspire.Adapters.Sandbox.Erp;
using Distribution.Aspire.Contracts.Events.Fulfillment;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.Erp.Tests;

/// <summary>Shipped orders and received returns become the ERP's sales shipments and return receipts, each once.</summary>
public sealed class ShipmentAndReturnTests(TestServers servers)
{
    [Fact]
    public async Task Shipment_and_return_are_posted_once_each_under_their_external_document_numbers()
    {
        await using var host = await ErpHost.StartAsync(servers);
        // The first post of each is taken by the ERP but its answer is lost.
        host.Faults(new ErpFaults { Only = "posts", DropResponseNext = 2 });
        var orderId = Guid.NewGuid();
        var shipped = new OrderShipped(orderId, "amazon", "amazon-seller", "acme-3pl:SHP-77:DA0000000042",
            [new OrderedLine("1", "SKU-0001", 2), new OrderedLine("2", "SKU-0002", 1)], true, "UPS", "1Z999AA10123456784", new DateTimeOffset(2026, 11, 28, 17, 0, 0, TimeSpan.Zero));
        var received = new ReturnReceived(Guid.NewGuid(), orderId, "b2b", "wh-east",
            [new ReturnedLine("1", "SKU-0001", 1, "restock"), new ReturnedLine("2", "SKU-0002", 1, "damaged")], "30.00", "USD", new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));

        await host.PublishAsync(shipped);
        await host.PublishAsync(received);
        await host.PublishAsync(shipped);
        await host.PublishAsync(received);

        var shipmentNumber = "ACME-3PL:SHP-77:DA0000000042";
        var returnNumber = received.ReturnId.ToString("N").ToUpperInvariant();
        await Eventually.TrueAsync(async () => await host.PostingStatusAsync(DocumentKinds.SalesShipment, shipmentNumber) == "posted", "shipment posted");
        await Eventually.TrueAsync(async () => await host.PostingStatusAsync(DocumentKinds.ReturnReceipt, returnNumber) == "posted", "return posted");
        await Eventually.TrueAsync(async () => await host.ScalarAsync<long>("SELECT count(*) FROM inbox") >= 4, "all deliveries handled");

        var shipment = Assert.Single(host.Erp.Sales(ErpSandboxState.SalesShipments));
        Assert.Equal(shipmentNumber, shipment.ExternalDocumentNumber);
        Assert.Equal("AMAZON", shipment.CustomerNumber);
        Assert.Equal(orderId.ToString("N").ToUpperInvariant(), shipment.YourReference);
        Assert.Equal(new DateOnly(2026, 11, 28), shipment.DocumentDate);
        Assert.Equal("UPS", shipment.ShippingAgentCode);
        Assert.Equal("1Z999AA10123456784", shipment.PackageTrackingNumber);
        Assert.Equal([("SKU-0001", 2m), ("SKU-0002", 1m)], shipment.Lines.Select(l => (l.ItemNumber, l.Quantity)));

        var receipt = Assert.Single(host.Erp.Sales(ErpSandboxState.SalesReturnReceipts));
        Assert.Equal(returnNumber, receipt.ExternalDocumentNumber);
        Assert.Equal("C10000", receipt.CustomerNumber);
        Assert.Equal("WH-EAST", receipt.LocationCode);
        Assert.Equal(["RESTOCK", "DAMAGED"], receipt.Lines.Select(l => l.ReturnReasonCode));

        var counters = host.Erp.Counters();
        Assert.Equal(2, counters["faults.dropped_responses"]);
        Assert.Equal(1, counters["salesShipments.posted"]);
        Assert.Equal(1, counters["salesReturnReceipts.posted"]);

        using var admin = host.AdminClient();
        var posting = await admin.GetFromJsonAsync<JsonElement>($"/admin/erp/postings/{DocumentKinds.SalesShipment}/{Uri.EscapeDataString(shipmentNumber)}");
        Assert.Equal(shipped.ShipmentId, posting.GetProperty("sourceReference").GetString());
        Assert.Equal(shipment.Id.ToString(), posting.GetProperty("erpId").GetString());
        Assert.Equal(2, posting.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task Shipment_of_an_item_the_erp_does_not_know_is_an_exception_with_the_erps_reason()
    {
        await using var host = await ErpHost.StartAsync(servers);
        var shipped = new OrderShipped(Guid.NewGuid(), "shopify", "shop-1", "SHP-" + Guid.NewGuid().ToString("N")[..8],
            [new OrderedLine("1", "NOT-IN-ERP", 1)], true, null, null, DateTimeOffset.UtcNow);

        await host.PublishAsync(shipped);

        var number = ExternalDocumentNumbers.For(shipped.ShipmentId);
        await Eventually.TrueAsync(async () => await host.PostingStatusAsync(DocumentKinds.SalesShipment, number) == "rejected", "shipment rejected");
        using var admin = host.AdminClient();
        var list = await admin.GetFromJsonAsync<JsonElement>("/admin/erp/exceptions?kind=sales_shipment");
        var exception = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(ErpErrors.RecordNotFound, exception.GetProperty("code").GetString());
        Assert.Contains("NOT-IN-ERP", exception.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(await host.RejectedEventsAsync());
    }

    [Theory]
    [InlineData("SHP-1", "SHP-1")]
    [InlineData("acme:shp-9", "ACME:SHP-9")]
    [InlineData("0d6f1f1e-7b9a-4d0c-9a53-3f2a1b4c5d6e", "0D6F1F1E7B9A4D0C9A533F2A1B4C5D6E")]
    public void External_document_numbers_fit_the_erps_35_character_code(string id, string expected) =>
        Assert.Equal(expected, ExternalDocumentNumbers.For(id));

    [Fact]
    public void Long_ids_get_a_stable_hashed_document_number_within_35_characters()
    {
        var id = "partner-with-a-long-name:SHIPMENT-0000000001:DA0000000001";
        var number = ExternalDocumentNumbers.For(id);

        Assert.Equal(35, number.Length);
        Assert.StartsWith("X", number, StringComparison.Ordinal);
        Assert.Equal(number, ExternalDocumentNumbers.For(id));
        Assert.NotEqual(number, ExternalDocumentNumbers.For(id + "2"));
    }
}
