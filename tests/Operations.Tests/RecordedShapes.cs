using System.Globalization;
using System.Text.Json.Nodes;

namespace Distribution.Aspire.Operations.Tests;

/// <summary>
/// What the services' admin APIs answer, in their own shapes (the records behind docs/adapters-*.md,
/// docs/fulfillment.md and docs/settlements.md), with times relative to the start of the run.
/// </summary>
public static class RecordedShapes
{
    public static readonly Guid TimelineOrderId = Guid.Parse("0f8c1d3e-5a6b-4c7d-8e9f-a0b1c2d3e4f5");
    public const string TimelineChannelOrderId = "PO-TIMELINE";
    public static readonly Guid ShopifyExceptionId = Guid.Parse("7d0c7a4e-1f0e-4f4c-9c55-2b1d1f7e9a10");
    public static readonly Guid FulfillmentExceptionId = Guid.Parse("3b9e2c1a-77aa-4c3e-8f10-5e6d7c8b9a01");

    /// <summary>A raw Shopify body that must reach the operator's screen as text, never as markup.</summary>
    public const string ShopifyBody = """{"id":450789469,"line_items":[{"sku":"SKU-X","title":"<script>alert('x')</script>"}]}""";

    public const string ErpPayload = """{"documentNumber":"STL-1001","lines":[{"account":"1100","debit":"100.00"},{"account":"4000","credit":"115.00"}]}""";

    public const string X12Body = "ISA*00*          *00*          *ZZ*ACME3PL        *ZZ*DISTRIBUTOR    *240101*1200*U*00401*000000011*0*P*>~GS*SW*BROKEN~";

    public static string Time(TimeSpan ago) => (DateTimeOffset.UtcNow - ago).ToString("O", CultureInfo.InvariantCulture);

    public static JsonObject ErpJournal(bool withPayload) => Parse($$"""
        {"id": 7, "kind": "journal", "documentNumber": "STL-1001", "sourceReference": "5b2f3c4d-0000-4000-8000-000000000001",
         "code": "Application_DialogException", "reason": "Document No. STL-1001 is out of balance by -15.00.", "erpStatus": 400,
         "retryable": true, "status": "open", "createdAt": "{{Time(TimeSpan.FromHours(2))}}", "closedAt": null,
         "payload": {{(withPayload ? Quote(ErpPayload) : "null")}}}
        """);

    public static JsonObject ErpItem(bool withPayload) => Parse($$"""
        {"id": 8, "kind": "item", "documentNumber": "SKU-77", "sourceReference": "SKU-77", "code": "invalid_uom",
         "reason": "Item SKU-77 has no base unit of measure.", "erpStatus": null, "retryable": false, "status": "open",
         "createdAt": "{{Time(TimeSpan.FromHours(30))}}", "closedAt": null, "payload": {{(withPayload ? Quote("""{"number":"SKU-77"}""") : "null")}}}
        """);

    public static JsonObject ShopifyMapping(bool withBody) => Parse($$"""
        {"id": "{{ShopifyExceptionId}}", "stage": "mapping", "code": "unknown_sku", "reason": "Line 1: SKU SKU-X is not in the SKU map.",
         "deliveryId": "evt-1", "commandId": null, "shopDomain": "demo.myshopify.com", "partnerId": "shop-partner", "topic": "orders/create",
         "shopifyOrderId": 450789469, "bodyBytes": {{ShopifyBody.Length}}, "bodyTruncated": false, "status": "open", "occurrences": 1,
         "createdAt": "{{Time(TimeSpan.FromHours(1))}}", "lastSeenAt": "{{Time(TimeSpan.FromHours(1))}}",
         "body": {{(withBody ? Quote(ShopifyBody) : "null")}}}
        """);

    public static JsonObject AmazonExceptions() => Parse($$"""
        {"items": [
          {"id": 3, "code": "listing_rejected", "source": "quantity", "reference": "SKU-9", "message": "Amazon refused the quantity update: INVALID.",
           "payload": "{\"sku\":\"SKU-9\",\"quantity\":4}", "createdAt": "{{Time(TimeSpan.FromMinutes(30))}}"},
          {"id": 2, "code": "malformed_json", "source": "notification", "reference": "amazon-partner", "message": "Not JSON.",
           "payload": "not json", "createdAt": "{{Time(TimeSpan.FromDays(40))}}"}
        ]}
        """);

    public static JsonObject Quarantine() => Parse($$"""
        {"quarantineId": 11, "partnerId": "acme-3pl", "source": "x12", "reasonCode": "x12_syntax", "reason": "GS segment has 2 elements; 8 required.",
         "reference": null, "documentId": 4, "workId": null, "messageId": null, "createdAt": "{{Time(TimeSpan.FromHours(3))}}"}
        """);

    public static JsonObject FulfillmentExceptions() => Parse($$"""
        {"exceptions": [
          {"exceptionId": "{{FulfillmentExceptionId}}", "shipmentId": "9a8b7c6d-0000-4000-8000-000000000002", "orderId": "{{TimelineOrderId}}",
           "channel": "b2b", "locationId": "WH-EAST", "kind": "address_problem", "detail": "Carrier cannot deliver to the address.", "rank": 502033,
           "raisedAt": "{{Time(TimeSpan.FromHours(5))}}", "dueAt": "{{Time(TimeSpan.FromHours(1))}}", "overdue": true, "resolved": false,
           "resolvedAt": null, "resolution": null}
        ], "nextPageToken": null}
        """);

    /// <summary>SettlementService's <c>GET /admin/settlements/mismatches</c> item (MismatchView).</summary>
    public static JsonObject SettlementMismatch() => Parse($$"""
        {"settlementId": "1e2d3c4b-0000-4000-8000-000000000003", "channel": "amazon", "externalSettlementId": "11223344",
         "settlementStatus": "mismatch", "orderReference": "114-3941689-8772232", "result": "amount_mismatch", "expected": "39.98",
         "actual": "29.98", "reason": "The sale differs from the order total.", "lines": [4, 5], "reconciledAt": "{{Time(TimeSpan.FromHours(1))}}"}
        """);

    /// <summary>SettlementService's <c>GET /admin/settlements/rejected</c> item (RejectedReportView, without its body).</summary>
    public static JsonObject SettlementReport() => Parse($$"""
        {"reportId": "2f3e4d5c-0000-4000-8000-000000000004", "channel": "amazon", "partnerId": "amazon-partner", "code": "header_total_mismatch",
         "errors": [{"line": 2, "message": "total-amount does not add up"}], "bodyBytes": 2048, "truncated": false,
         "receivedAt": "{{Time(TimeSpan.FromHours(2))}}", "body": null}
        """);

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    private static string Quote(string text) => JsonValue.Create(text)!.ToJsonString();
}
