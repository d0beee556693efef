namespace Distribution.Aspire.Adapters.ThreePL.Edi;

/// <summary>An 846 inventory inquiry/advice: on-hand counts per item at one warehouse, as of a time.</summary>
public sealed record InventoryAdvice(
    string Purpose,
    string ReportType,
    string Reference,
    DateTimeOffset AsOf,
    string? WarehouseCode,
    int WarehousePosition,
    IReadOnlyList<InventoryCount> Items);

public sealed record InventoryCount(string Sku, int Quantity, DateTimeOffset CountedAt, int Position);

/// <summary>
/// Reads 004010 846s: BIA (purpose, report type, reference, date, time), N1*WH with the warehouse code in N1-04
/// (else its name), then per item LIN (SKU under SK, else VN/BP/UP/IN) with QTY*17 (quantity on hand; QTY*33,
/// available for sale, when no 17 is given) and an optional DTM*405 (as-of) overriding the BIA date. CTT closes it.
/// </summary>
public static class InventoryAdvice846
{
    public const string Type = "846";

    private static readonly string[] SkuQualifiers = ["SK", "VN", "BP", "UP", "IN"];

    public static X12ReadResult<InventoryAdvice> Read(X12TransactionSet set)
    {
        var problems = new List<X12Problem>();
        var segments = set.Body.ToList();
        if (segments.Count == 0 || !segments[0].Is("BIA"))
        {
            return X12ReadResult.Failed<InventoryAdvice>(X12Problem.Missing("BIA", 2, "An 846 starts with BIA."));
        }

        var bia = segments[0];
        var asOf = X12Values.Instant(bia[4], bia[5]);
        if (asOf is null)
        {
            problems.Add(X12Problem.BadElement(set, bia, 4, bia[4].Length == 0 ? X12Codes.Element.MandatoryMissing : X12Codes.Element.InvalidDate, $"BIA-04 '{bia[4]}' is not a CCYYMMDD date."));
        }

        string? warehouse = null;
        var warehousePosition = 2;
        var items = new List<InventoryCount>();
        (string? Sku, int Position, int? OnHand, int? Available, DateTimeOffset? At)? item = null;
        var closed = false;
        for (var i = 1; i < segments.Count; i++)
        {
            var s = segments[i];
            if (closed)
            {
                problems.Add(X12Problem.OutOfPlace(set, s, $"{s.Id} after CTT, which closes the 846."));
                continue;
            }

            switch (s.Id)
            {
                case "N1" when item is null:
                    if (s[1] is "WH" or "SF" or "RL")
                    {
                        warehouse = s[4].Length > 0 ? s[4] : s[2];
                        warehousePosition = set.PositionOf(s);
                    }

                    break;
                case "CUR" or "REF" or "PER" or "MEA" or "DTM" or "N2" or "N3" or "N4" when item is null:
                    break;
                case "LIN":
                    Flush();
                    var sku = SkuQualifiers.Select(q => Find(s, q)).FirstOrDefault(v => v is not null);
                    if (sku is null)
                    {
                        problems.Add(X12Problem.BadElement(set, s, 3, X12Codes.Element.MandatoryMissing, "LIN names no SKU (SK, VN, BP, UP or IN).", "LIN"));
                    }

                    item = (sku, set.PositionOf(s), null, null, null);
                    break;
                case "QTY" when item is not null:
                    var quantity = X12Values.Quantity(s[2]);
                    if (quantity is null)
                    {
                        problems.Add(X12Problem.BadElement(set, s, 2, X12Codes.Element.InvalidCharacter, $"QTY-02 '{s[2]}' is not a whole, non-negative quantity.", "LIN"));
                    }
                    else if (s[1] == "17")
                    {
                        item = item.Value with { OnHand = quantity };
                    }
                    else if (s[1] == "33")
                    {
                        item = item.Value with { Available = quantity };
                    }

                    break;
                case "DTM" when item is not null:
                    if (s[1] == "405")
                    {
                        var at = X12Values.Instant(s[2], s[3]);
                        if (at is null)
                        {
                            problems.Add(X12Problem.BadElement(set, s, 2, X12Codes.Element.InvalidDate, $"DTM-02 '{s[2]}' is not a CCYYMMDD date.", "LIN"));
                        }

                        item = item.Value with { At = at };
                    }

                    break;
                case "PID" or "REF" or "SLN" or "SCH" or "CTP" or "MEA" or "N1" or "N3" or "N4" when item is not null:
                    break;
                case "CTT":
                    Flush();
                    closed = true;
                    break;
                case "BIA":
                    problems.Add(X12Problem.OutOfPlace(set, s, "BIA appears once, first."));
                    break;
                case "QTY":
                    problems.Add(X12Problem.OutOfPlace(set, s, "QTY outside a LIN loop.", "LIN"));
                    break;
                default:
                    problems.Add(item is null
                        ? X12Problem.Unexpected(set, s, $"{s.Id} is not an 846 header segment.")
                        : X12Problem.OutOfPlace(set, s, $"{s.Id} does not belong in a LIN loop.", "LIN"));
                    break;
            }
        }

        Flush();
        if (items.Count == 0 && !problems.Exists(p => p.LoopIdentifier == "LIN"))
        {
            problems.Add(X12Problem.Missing("LIN", segments.Count + 1, "An 846 reports at least one item (LIN with QTY).", "LIN"));
        }

        var advice = new InventoryAdvice(bia[1], bia[2], bia[3], asOf ?? DateTimeOffset.MinValue, warehouse, warehousePosition, items);
        return new X12ReadResult<InventoryAdvice>(advice, problems);

        void Flush()
        {
            if (item is not { } current)
            {
                return;
            }

            item = null;
            if (current.Sku is null)
            {
                return;
            }

            if ((current.OnHand ?? current.Available) is not { } count)
            {
                problems.Add(X12Problem.Missing("QTY", current.Position + 1, $"Item {current.Sku} has no QTY*17 (on hand) or QTY*33.", "LIN"));
                return;
            }

            items.Add(new InventoryCount(current.Sku, count, current.At ?? asOf ?? DateTimeOffset.MinValue, current.Position));
        }
    }

    private static string? Find(X12Segment lin, string qualifier)
    {
        for (var e = 2; e + 1 <= lin.ElementCount; e += 2)
        {
            if (lin[e] == qualifier && lin[e + 1].Length > 0)
            {
                return lin[e + 1];
            }
        }

        return null;
    }
}
