using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Sandbox.ThreePL;

/// <summary>What the sandbox 3PL writes: 945, 856 and 846 interchanges, 997s, and ShipEngine-style JSON events.</summary>
public sealed class ThreePLDocuments(ThreePLSandboxState state, IOptions<ThreePLSandboxOptions> options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private ThreePLSandboxOptions Settings => options.Value;

    /// <summary>A 997 accepting every 940 of the received interchange's group(s).</summary>
    public string Acknowledge(List<string[]> segments)
    {
        var sets = new List<(string, List<string[]>)>();
        string[]? gs = null;
        var responses = new List<string[]>();
        foreach (var segment in segments)
        {
            switch (segment[0])
            {
                case "GS":
                    gs = segment;
                    responses = [];
                    break;
                case "ST":
                    responses.Add(["AK2", segment[1], segment[2]]);
                    responses.Add(["AK5", "A"]);
                    break;
                case "GE" when gs is not null:
                    var count = (responses.Count / 2).ToString(CultureInfo.InvariantCulture);
                    sets.Add(("997", [["AK1", gs[1], gs[6]], .. responses, ["AK9", "A", count, count, count]]));
                    break;
            }
        }

        return SandboxX12.Interchange(Settings.InterchangeId, Settings.ReceiverId, state.NextControlNumber(), "FA", state.Time.GetUtcNow(), sets);
    }

    public string ShippingAdvice(SandboxShipment shipment, DateTimeOffset at)
    {
        List<string[]> body =
        [
            ["W06", "F", shipment.Reference, SandboxX12.Date(at), shipment.ShipmentId],
            ["G62", "11", SandboxX12.Date(at), "8", SandboxX12.Time(at)],
            ["W27", "U", Settings.CarrierScac],
        ];
        var number = 0;
        foreach (var line in shipment.Lines)
        {
            var quantity = line.Quantity.ToString(CultureInfo.InvariantCulture);
            body.Add(["LX", (++number).ToString(CultureInfo.InvariantCulture)]);
            body.Add(["MAN", "CP", shipment.TrackingNumber]);
            body.Add(["W12", "CC", quantity, quantity, "0", "EA", string.Empty, "SK", line.Sku]);
            body.Add(["N9", "LI", line.LineId]);
        }

        body.Add(["W03", shipment.Lines.Sum(l => l.Quantity).ToString(CultureInfo.InvariantCulture)]);
        return SandboxX12.Interchange(Settings.InterchangeId, Settings.ReceiverId, state.NextControlNumber(), "SW", at, [("945", body)]);
    }

    public string ShipNotice(SandboxShipment shipment, DateTimeOffset at)
    {
        List<string[]> body =
        [
            ["BSN", "00", shipment.ShipmentId, SandboxX12.Date(at), SandboxX12.Time(at)],
            ["HL", "1", string.Empty, "S"],
            ["TD1", "CTN25", "1"],
            ["TD5", string.Empty, "2", Settings.CarrierScac],
            ["REF", "CN", shipment.TrackingNumber],
            ["DTM", "011", SandboxX12.Date(at), SandboxX12.Time(at)],
            ["HL", "2", "1", "O"],
            ["PRF", shipment.Reference],
            ["HL", "3", "2", "P"],
            ["MAN", "CP", shipment.TrackingNumber],
        ];
        var hl = 3;
        foreach (var line in shipment.Lines)
        {
            body.Add(["HL", (++hl).ToString(CultureInfo.InvariantCulture), "3", "I"]);
            body.Add(["LIN", line.LineId, "SK", line.Sku]);
            body.Add(["SN1", string.Empty, line.Quantity.ToString(CultureInfo.InvariantCulture), "EA"]);
        }

        body.Add(["CTT", hl.ToString(CultureInfo.InvariantCulture)]);
        return SandboxX12.Interchange(Settings.InterchangeId, Settings.ReceiverId, state.NextControlNumber(), "SH", at, [("856", body)]);
    }

    public string InventoryAdvice(DateTimeOffset at)
    {
        var reference = "INV" + at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        List<string[]> body =
        [
            ["BIA", "00", "SI", reference, SandboxX12.Date(at), SandboxX12.Time(at)],
            ["N1", "WH", "SANDBOX WAREHOUSE", "91", Settings.WarehouseCode],
        ];
        var number = 0;
        foreach (var (sku, quantity) in state.Stock.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            body.Add(["LIN", (++number).ToString(CultureInfo.InvariantCulture), "SK", sku]);
            body.Add(["QTY", "17", quantity.ToString(CultureInfo.InvariantCulture), "EA"]);
        }

        body.Add(["CTT", number.ToString(CultureInfo.InvariantCulture)]);
        return SandboxX12.Interchange(Settings.InterchangeId, Settings.ReceiverId, state.NextControlNumber(), "IB", at, [("846", body)]);
    }

    public string Shipped(SandboxShipment shipment, DateTimeOffset at) => JsonSerializer.Serialize(new
    {
        id = $"sbx-{shipment.ShipmentId}-shipped",
        type = "shipment.shipped",
        occurred_at = at,
        order_reference = shipment.Reference,
        shipment = new
        {
            id = shipment.ShipmentId,
            carrier_code = Settings.CarrierCode,
            tracking_number = shipment.TrackingNumber,
            packages = new[]
            {
                new
                {
                    carrier_code = Settings.CarrierCode,
                    tracking_number = shipment.TrackingNumber,
                    lines = shipment.Lines.Select(l => new { line_id = l.LineId, sku = l.Sku, quantity = l.Quantity }),
                },
            },
        },
    }, Json);

    /// <summary>A tracking event whose <c>tracking</c> is ShipEngine's tracking information: it (in transit) or de (delivered).</summary>
    public string Tracking(SandboxShipment shipment, string statusCode, DateTimeOffset at)
    {
        var delivered = statusCode == "de";
        var tracking = new
        {
            tracking_number = shipment.TrackingNumber,
            tracking_url = $"https://sandbox.invalid/track/{shipment.TrackingNumber}",
            status_code = statusCode,
            carrier_code = Settings.CarrierCode,
            carrier_id = "se-1000001",
            status_description = delivered ? "Delivered" : "In Transit",
            carrier_status_code = delivered ? "D" : "I",
            carrier_detail_code = delivered ? "DELIVERED" : "IN_TRANSIT",
            carrier_status_description = delivered ? "Delivered, front door" : "Arrived at facility",
            ship_date = shipment.ReceivedAt,
            estimated_delivery_date = at.AddDays(delivered ? 0 : 1),
            actual_delivery_date = delivered ? at : (DateTimeOffset?)null,
            events = new[]
            {
                new
                {
                    occurred_at = at,
                    city_locality = string.Empty,
                    state_province = "KY",
                    postal_code = string.Empty,
                    country_code = "US",
                    carrier_detail_code = delivered ? "DELIVERED" : "IN_TRANSIT",
                    status_code = statusCode,
                    status_description = delivered ? "Delivered" : "In Transit",
                    carrier_status_code = delivered ? "D" : "I",
                    carrier_status_description = delivered ? "Delivered, front door" : "Arrived at facility",
                },
            },
        };
        return JsonSerializer.Serialize(new
        {
            id = $"sbx-{shipment.ShipmentId}-{statusCode}",
            type = delivered ? "shipment.delivered" : "shipment.tracking_updated",
            occurred_at = at,
            order_reference = shipment.Reference,
            tracking,
        }, Json);
    }
}
