using System.Globalization;

namespace Distribution.Aspire.Adapters.ThreePL.Edi;

/// <summary>A 940 warehouse shipping order (or, with <see cref="X12Codes.OrderCancellation"/>, its cancellation).</summary>
public sealed record WarehouseShippingOrder(
    string OrderStatus,
    string DepositorOrderNumber,
    string? PurchaseOrderNumber,
    ShipToParty? ShipTo,
    string? WarehouseCode,
    DateOnly? RequestedShipDate,
    IReadOnlyList<ShippingOrderLine> Lines);

public sealed record ShipToParty(string Name, string Line1, string? Line2, string City, string? Region, string? PostalCode, string? Country);

public sealed record ShippingOrderLine(string LineId, string Sku, int Quantity, string Unit);

/// <summary>
/// 940 layout we send: W05 (status, our order reference, the channel's PO), N1*ST/N3/N4 ship-to, N1*WH with the
/// warehouse code when known, G62*10 requested ship date, then per line LX, W01 (quantity, unit, SK + SKU) and
/// N9*LI with our line id, and W76 with the total quantity. A cancellation carries only W05 and W76*0.
/// </summary>
public static class WarehouseShippingOrder940
{
    public const string Type = "940";

    // Element widths of the 004010 dictionary for the text fields we fill.
    public const int MaxReference = 22;
    public const int MaxName = 60;
    public const int MaxAddressLine = 55;
    public const int MaxCity = 30;
    public const int MaxRegion = 2;
    public const int MaxPostalCode = 15;
    public const int MaxCountry = 3;
    public const int MaxSku = 48;
    public const int MaxLineId = 30;

    public static X12SetContent Write(WarehouseShippingOrder order, string controlNumber)
    {
        var body = new List<string[]> { new[] { "W05", order.OrderStatus, order.DepositorOrderNumber, order.PurchaseOrderNumber ?? string.Empty } };
        if (order.ShipTo is { } shipTo)
        {
            body.Add(["N1", "ST", shipTo.Name]);
            body.Add(["N3", shipTo.Line1, shipTo.Line2 ?? string.Empty]);
            body.Add(["N4", shipTo.City, shipTo.Region ?? string.Empty, shipTo.PostalCode ?? string.Empty, shipTo.Country ?? string.Empty]);
        }

        if (order.WarehouseCode is { Length: > 0 } warehouse)
        {
            body.Add(["N1", "WH", warehouse, "91", warehouse]);
        }

        if (order.RequestedShipDate is { } shipBy)
        {
            body.Add(["G62", "10", shipBy.ToString("yyyyMMdd", CultureInfo.InvariantCulture)]);
        }

        var number = 0;
        foreach (var line in order.Lines)
        {
            body.Add(["LX", (++number).ToString(CultureInfo.InvariantCulture)]);
            body.Add(["W01", line.Quantity.ToString(CultureInfo.InvariantCulture), line.Unit, string.Empty, "SK", line.Sku]);
            body.Add(["N9", "LI", line.LineId]);
        }

        body.Add(["W76", order.Lines.Sum(l => l.Quantity).ToString(CultureInfo.InvariantCulture)]);
        return new X12SetContent(Type, controlNumber, body);
    }

    public static X12ReadResult<WarehouseShippingOrder> Read(X12TransactionSet set)
    {
        var problems = new List<X12Problem>();
        var segments = set.Body.ToList();
        if (segments.Count == 0 || !segments[0].Is("W05"))
        {
            return X12ReadResult.Failed<WarehouseShippingOrder>(X12Problem.Missing("W05", 2, "A 940 starts with W05."));
        }

        var w05 = segments[0];
        ShipToParty? shipTo = null;
        string? warehouse = null;
        DateOnly? shipBy = null;
        var lines = new List<ShippingOrderLine>();
        string? party = null;
        (string Sku, int Quantity, string Unit)? pending = null;
        var inDetail = false;
        var total = false;
        for (var i = 1; i < segments.Count; i++)
        {
            var s = segments[i];
            if (total)
            {
                problems.Add(X12Problem.OutOfPlace(set, s, $"{s.Id} after W76, which closes the 940."));
                continue;
            }

            switch (s.Id)
            {
                case "N1" when !inDetail:
                    party = s[1];
                    if (party == "ST")
                    {
                        shipTo = new ShipToParty(s[2], string.Empty, null, string.Empty, null, null, null);
                    }
                    else if (party == "WH")
                    {
                        warehouse = s[4].Length > 0 ? s[4] : s[2];
                    }

                    break;
                case "N3" when !inDetail && party == "ST" && shipTo is not null:
                    shipTo = shipTo with { Line1 = s[1], Line2 = Optional(s[2]) };
                    break;
                case "N4" when !inDetail && party == "ST" && shipTo is not null:
                    shipTo = shipTo with { City = s[1], Region = Optional(s[2]), PostalCode = Optional(s[3]), Country = Optional(s[4]) };
                    break;
                case "N2" or "N3" or "N4" or "PER" or "N9" or "W66" or "NTE" when !inDetail:
                    break;
                case "G62" when !inDetail:
                    if (s[1] == "10")
                    {
                        if (X12Values.Date(s[2]) is { } date)
                        {
                            shipBy = date;
                        }
                        else
                        {
                            problems.Add(X12Problem.BadElement(set, s, 2, X12Codes.Element.InvalidDate, $"G62-02 '{s[2]}' is not a CCYYMMDD date."));
                        }
                    }

                    break;
                case "LX":
                    inDetail = true;
                    Flush();
                    break;
                case "W01" when inDetail:
                    Flush();
                    if (X12Values.Quantity(s[1]) is not { } quantity)
                    {
                        problems.Add(X12Problem.BadElement(set, s, 1, X12Codes.Element.InvalidCharacter, $"W01-01 '{s[1]}' is not a quantity.", "LX"));
                        break;
                    }

                    pending = (s[5], quantity, s[2]);
                    break;
                case "N9" when inDetail && pending is not null && s[1] == "LI":
                    lines.Add(new ShippingOrderLine(s[2], pending.Value.Sku, pending.Value.Quantity, pending.Value.Unit));
                    pending = null;
                    break;
                case "N9" or "G69" or "W20" when inDetail:
                    break;
                case "W76":
                    Flush();
                    total = true;
                    break;
                case "N1" or "N2" or "N3" or "N4" or "G62" or "W66" or "W01":
                    problems.Add(X12Problem.OutOfPlace(set, s, $"{s.Id} is out of place in the 940."));
                    break;
                default:
                    problems.Add(X12Problem.Unexpected(set, s, $"{s.Id} is not a 940 segment we accept."));
                    break;
            }
        }

        if (!total)
        {
            problems.Add(X12Problem.Missing("W76", segments.Count + 2, "A 940 ends with W76."));
        }

        return new X12ReadResult<WarehouseShippingOrder>(
            new WarehouseShippingOrder(w05[1], w05[2], Optional(w05[3]), shipTo, warehouse, shipBy, lines), problems);

        void Flush()
        {
            if (pending is { } line)
            {
                // A line without N9*LI keeps its position as id.
                lines.Add(new ShippingOrderLine((lines.Count + 1).ToString(CultureInfo.InvariantCulture), line.Sku, line.Quantity, line.Unit));
                pending = null;
            }
        }
    }

    private static string? Optional(string value) => value.Length == 0 ? null : value;
}
