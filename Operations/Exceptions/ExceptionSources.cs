using System.Text.Json.Nodes;

namespace Distribution.Aspire.Operations.Exceptions;

/// <summary>
/// Every exception list in the platform (docs/adapters-*.md, docs/fulfillment.md, docs/settlements.md) and how its
/// items rank. A service that is down, or does not have the list yet, is shown as unreachable.
/// </summary>
public static class ExceptionSources
{
    private const int Limit = 200;

    public static readonly IReadOnlyList<ExceptionSource> All =
    [
        new()
        {
            Service = "erp-adapter", Name = "erp", ListPath = $"/erp/exceptions?status=open&limit={Limit}", ItemsMember = "items",
            DetailPath = id => $"/erp/exceptions/{Uri.EscapeDataString(id)}", PayloadMember = "payload", Map = Erp,
        },
        new()
        {
            Service = "settlementservice", Name = "settlement-mismatch", ListPath = $"/settlements/mismatches?open=true&limit={Limit}",
            ItemsMember = "mismatches", Map = SettlementMismatch,
        },
        new()
        {
            Service = "settlementservice", Name = "settlement-report", ListPath = $"/settlements/rejected?limit={Limit}", ItemsMember = "reports",
            DetailPath = id => $"/settlements/rejected/{Uri.EscapeDataString(id)}", PayloadMember = "body", Map = SettlementReport, Statusless = true,
        },
        new()
        {
            Service = "amazon-adapter", Name = "amazon", ListPath = $"/amazon/exceptions?limit={Limit}", ItemsMember = "items",
            PayloadMember = "payload", Map = Amazon, Statusless = true,
        },
        new()
        {
            Service = "shopify-adapter", Name = "shopify", ListPath = $"/shopify/exceptions?status=open&limit={Limit}",
            DetailPath = id => $"/shopify/exceptions/{Uri.EscapeDataString(id)}", PayloadMember = "body", Map = Shopify,
        },
        new()
        {
            Service = "threepl-adapter", Name = "3pl", ListPath = $"/3pl/quarantine?limit={Limit}", ItemsMember = "items",
            DetailPath = id => $"/3pl/quarantine/{Uri.EscapeDataString(id)}", DetailItemMember = "item", PayloadMember = "body", Map = ThreePL, Statusless = true,
        },
        // Every service that measures a partner SLA keeps its breaches in the same shape (ServiceDefaults/Sla).
        .. new[] { "orderservice", "fulfillmentservice", "amazon-adapter", "shopify-adapter", "threepl-adapter", "erp-adapter" }.Select(service => new ExceptionSource
        {
            Service = service, Name = "sla", ListPath = $"/sla-breaches?limit={Limit}", ItemsMember = "breaches", Map = SlaBreach, Statusless = true,
        }),
        new()
        {
            Service = "fulfillmentservice", Name = "fulfillment", ListPath = $"/fulfillment/exceptions?pageSize={Limit}", ItemsMember = "exceptions",
            Map = Fulfillment,
        },
    ];

    public static ExceptionSource? Find(string service, string name) =>
        All.FirstOrDefault(s => s.Service == service && s.Name == name);

    /// <summary>Item master data clears itself with the next sync; every other ERP refusal is money not booked.</summary>
    private static OperatorException Erp(ExceptionSource source, JsonObject item) =>
        source.New(item.Text("id") ?? "", item.Text("kind") == "item" ? ExceptionPriority.Info : ExceptionPriority.Critical,
            item.Text("code") ?? "unknown", item.Text("reason") ?? "", item.Time("createdAt") ?? DateTimeOffset.MinValue) with
        {
            Reference = item.Text("documentNumber"),
            Status = item.Text("status") ?? "open",
        };

    private static OperatorException SettlementMismatch(ExceptionSource source, JsonObject item)
    {
        var settlement = item.Text("settlementId") ?? "";
        var reference = item.Text("orderReference") ?? "";
        var expected = item.Text("expected");
        var actual = item.Text("actual");
        var amounts = expected is null && actual is null ? "" : $" (expected {expected ?? "—"}, actual {actual ?? "—"})";
        return source.New($"{settlement}/{reference}/{item.Text("result")}", ExceptionPriority.Critical, item.Text("result") ?? "mismatch",
            (item.Text("reason") ?? "") + amounts, item.Time("reconciledAt") ?? DateTimeOffset.MinValue) with
        {
            Reference = reference,
            Channel = item.Text("channel"),
            Status = item.Text("settlementStatus") ?? "mismatch",
        };
    }

    private static OperatorException SettlementReport(ExceptionSource source, JsonObject item) =>
        source.New(item.Text("reportId") ?? "", ExceptionPriority.High, item.Text("code") ?? "rejected",
            $"Settlement report refused ({item.Text("bodyBytes") ?? "?"} bytes)", item.Time("receivedAt") ?? DateTimeOffset.MinValue) with
        {
            PartnerId = item.Text("partnerId"),
            Channel = item.Text("channel"),
        };

    /// <summary>Refused quantities may let Amazon oversell; orders and shipments are stuck; notifications are the partner's to resend.</summary>
    private static OperatorException Amazon(ExceptionSource source, JsonObject item)
    {
        var kind = item.Text("source");
        var priority = kind switch
        {
            "quantity" => ExceptionPriority.Critical,
            "order" or "shipment" => ExceptionPriority.High,
            _ => ExceptionPriority.Normal,
        };
        return source.New(item.Text("id") ?? "", priority, item.Text("code") ?? "unknown", item.Text("message") ?? "", item.Time("createdAt") ?? DateTimeOffset.MinValue) with
        {
            Reference = item.Text("reference"),
            // A refused notification names the partner that sent it as its reference.
            PartnerId = kind == "notification" ? item.Text("reference") : null,
            Channel = "amazon",
        };
    }

    /// <summary>Outbound (quantities, fulfillments to the shop) may oversell; unmapped or refused orders are stuck.</summary>
    private static OperatorException Shopify(ExceptionSource source, JsonObject item)
    {
        var priority = item.Text("stage") switch
        {
            "outbound" => ExceptionPriority.Critical,
            "mapping" or "order_service" => ExceptionPriority.High,
            _ => ExceptionPriority.Normal,
        };
        return source.New(item.Text("id") ?? "", priority, item.Text("code") ?? "unknown", item.Text("reason") ?? "", item.Time("createdAt") ?? DateTimeOffset.MinValue) with
        {
            Reference = item.Text("shopifyOrderId"),
            PartnerId = item.Text("partnerId"),
            Channel = "shopify",
            Status = item.Text("status") ?? "open",
        };
    }

    /// <summary>Data that could not be applied, or a 3PL refusing our order, stalls a shipment; refused documents are the 3PL's to resend.</summary>
    private static OperatorException ThreePL(ExceptionSource source, JsonObject item) =>
        source.New(item.Text("quarantineId") ?? "", item.Text("source") is "apply" or "outbound" ? ExceptionPriority.High : ExceptionPriority.Normal,
            item.Text("reasonCode") ?? "unknown", item.Text("reason") ?? "", item.Time("createdAt") ?? DateTimeOffset.MinValue) with
        {
            Reference = item.Text("reference"),
            PartnerId = item.Text("partnerId"),
        };

    /// <summary>
    /// A partner's SLA missed (an order accepted late, a shipment shipped late, quantities or outbound messages
    /// waiting too long): the partner is being let down now, so it needs a person soon.
    /// </summary>
    private static OperatorException SlaBreach(ExceptionSource source, JsonObject item) =>
        source.New(item.Text("breachId") ?? "", ExceptionPriority.High, $"sla_{item.Text("sla") ?? "breach"}",
            $"Measured {item.Text("measuredSeconds") ?? "?"} s against the partner's SLA of {item.Text("thresholdSeconds") ?? "?"} s",
            item.Time("raisedAt") ?? DateTimeOffset.MinValue) with
        {
            Reference = item.Text("reference"),
            OrderId = item.Text("orderId"),
            PartnerId = item.Text("partnerId"),
            Channel = item.Text("channel"),
        };

    /// <summary>Fulfillment ranks its own list and keeps SLA timers: past due is critical, anything else needs a person soon.</summary>
    private static OperatorException Fulfillment(ExceptionSource source, JsonObject item)
    {
        var overdue = item.Flag("overdue");
        return source.New(item.Text("exceptionId") ?? "", overdue ? ExceptionPriority.Critical : ExceptionPriority.High, item.Text("kind") ?? "other",
            item.Text("detail") ?? "", item.Time("raisedAt") ?? DateTimeOffset.MinValue) with
        {
            Reference = item.Text("shipmentId"),
            OrderId = item.Text("orderId"),
            Channel = item.Text("channel"),
            Overdue = overdue,
            Status = item.Flag("resolved") ? "resolved" : "open",
        };
    }
}
