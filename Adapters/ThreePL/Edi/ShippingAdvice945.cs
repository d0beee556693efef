namespace Distribution.Aspire.Adapters.ThreePL.Edi;

/// <summary>A 945 warehouse shipping advice: what left the warehouse for one of our 940s.</summary>
public sealed record ShippingAdvice(
    string ReportingCode,
    string DepositorOrderNumber,
    int DepositorOrderPosition,
    string? ShipmentIdentification,
    string? PurchaseOrderNumber,
    DateTimeOffset? ShippedAt,
    string? CarrierScac,
    IReadOnlyList<ShippedItem> Items,
    int? TotalUnits);

/// <summary>A W12 line: <see cref="Position"/> is the W12's position in the set, for AK3 when a quantity is refused.</summary>
public sealed record ShippedItem(string? LineId, string? Sku, int QuantityShipped, int? QuantityOrdered, string Unit, string? TrackingNumber, int Position);

/// <summary>
/// Reads 004010 945s. Header: W06 first (reporting code, our 940's W05-02, date, shipment id, agent id, PO),
/// N1 loops, N9, G62*11 (shipped date/time), W27 (carrier SCAC in W27-02). Detail: LX loops of MAN (CP = the
/// carrier's package id, i.e. tracking; GM and others as fallback) and W12 loops (W12 with units shipped in
/// W12-03, SKU in W12-08 when W12-07 names it, N9*LI = our line id). Summary: W03 (total units shipped).
/// </summary>
public static class ShippingAdvice945
{
    public const string Type = "945";

    private static readonly HashSet<string> HeaderSegments = ["N1", "N2", "N3", "N4", "PER", "N9", "G62", "W27", "W10", "NTE", "FOB", "G66", "W28"];
    private static readonly HashSet<string> DetailSegments = ["MAN", "PAL", "N9", "G69", "W20", "WX"];

    public static X12ReadResult<ShippingAdvice> Read(X12TransactionSet set)
    {
        var problems = new List<X12Problem>();
        var segments = set.Body.ToList();
        if (segments.Count == 0 || !segments[0].Is("W06"))
        {
            return X12ReadResult.Failed<ShippingAdvice>(X12Problem.Missing("W06", 2, "A 945 starts with W06."));
        }

        var w06 = segments[0];
        if (w06[2].Length == 0)
        {
            problems.Add(X12Problem.BadElement(set, w06, 2, X12Codes.Element.MandatoryMissing, "W06-02 (our 940's order number) is required."));
        }

        DateTimeOffset? shippedAt = X12Values.Instant(w06[3], string.Empty);
        string? scac = null;
        var items = new List<ShippedItem>();
        int? totalUnits = null;
        var inDetail = false;
        string? lxTracking = null;
        var lxHasTracking = false;
        ShippedItem? item = null;
        var done = false;
        for (var i = 1; i < segments.Count; i++)
        {
            var s = segments[i];
            if (done)
            {
                problems.Add(X12Problem.OutOfPlace(set, s, $"{s.Id} after W03, which closes the 945."));
                continue;
            }

            if (!inDetail && HeaderSegments.Contains(s.Id))
            {
                if (s.Is("G62") && s[1] == "11")
                {
                    shippedAt = X12Values.Instant(s[2], s[4]) ?? shippedAt;
                    if (X12Values.Date(s[2]) is null)
                    {
                        problems.Add(X12Problem.BadElement(set, s, 2, X12Codes.Element.InvalidDate, $"G62-02 '{s[2]}' is not a CCYYMMDD date."));
                    }
                }
                else if (s.Is("W27") && s[2].Length > 0)
                {
                    scac = s[2];
                }

                continue;
            }

            switch (s.Id)
            {
                case "LX":
                    Flush();
                    inDetail = true;
                    lxTracking = null;
                    lxHasTracking = false;
                    break;
                case "MAN" when inDetail:
                    // CP wins over any other marks of the same LX loop: it is the carrier's tracking number.
                    if (!lxHasTracking && s[2].Length > 0)
                    {
                        lxTracking = s[2];
                        lxHasTracking = s[1] == "CP";
                        item = item is null ? null : item with { TrackingNumber = lxTracking };
                    }

                    break;
                case "W12" when inDetail:
                    Flush();
                    if (X12Values.Quantity(s[3]) is not { } shipped)
                    {
                        problems.Add(X12Problem.BadElement(set, s, 3, s[3].Length == 0 ? X12Codes.Element.MandatoryMissing : X12Codes.Element.InvalidCharacter,
                            $"W12-03 (units shipped) '{s[3]}' is not a quantity.", "LX"));
                        break;
                    }

                    var sku = s[8].Length > 0 ? s[8] : null;
                    item = new ShippedItem(null, sku, shipped, X12Values.Quantity(s[2]), s[5].Length > 0 ? s[5] : "EA", lxTracking, set.PositionOf(s));
                    if (sku is null && s[6].Length == 0)
                    {
                        problems.Add(X12Problem.BadElement(set, s, 8, X12Codes.Element.ConditionalMissing, "W12 names no product (W12-06 UPC or W12-07/08).", "LX"));
                    }

                    break;
                case "N9" when inDetail && item is not null && s[1] == "LI":
                    item = item with { LineId = s[2] };
                    break;
                case var id when inDetail && DetailSegments.Contains(id):
                    break;
                case "W03":
                    Flush();
                    done = true;
                    totalUnits = X12Values.Quantity(s[1]);
                    if (totalUnits is null)
                    {
                        problems.Add(X12Problem.BadElement(set, s, 1, X12Codes.Element.InvalidCharacter, $"W03-01 (total units) '{s[1]}' is not a quantity."));
                    }

                    break;
                case "W12" or "MAN":
                    problems.Add(X12Problem.OutOfPlace(set, s, $"{s.Id} outside an LX loop.", "LX"));
                    break;
                case var id when HeaderSegments.Contains(id):
                    problems.Add(X12Problem.OutOfPlace(set, s, $"{s.Id} is a header segment; it cannot follow the detail (LX) loops."));
                    break;
                case "W06":
                    problems.Add(X12Problem.OutOfPlace(set, s, "W06 appears once, first."));
                    break;
                default:
                    problems.Add(X12Problem.Unexpected(set, s, $"{s.Id} is not a 945 segment."));
                    break;
            }
        }

        if (items.Count == 0 && !problems.Exists(p => p.SegmentId == "W12"))
        {
            problems.Add(X12Problem.Missing("W12", segments.Count + 1, "A 945 reports at least one W12 line.", "LX"));
        }

        if (!done)
        {
            problems.Add(X12Problem.Missing("W03", segments.Count + 2, "A 945 ends with W03."));
        }
        else if (totalUnits is { } total && total != items.Sum(x => x.QuantityShipped) && items.Count > 0)
        {
            var w03 = segments.Last(s => s.Is("W03"));
            problems.Add(X12Problem.BadElement(set, w03, 1, X12Codes.Element.InvalidCodeValue,
                $"W03-01 says {total} units; the W12 lines ship {items.Sum(x => x.QuantityShipped)}."));
        }

        var advice = new ShippingAdvice(w06[1], w06[2], 2, Optional(w06[4]), Optional(w06[6]), shippedAt, scac, items, totalUnits);
        return new X12ReadResult<ShippingAdvice>(advice, problems);

        void Flush()
        {
            if (item is not null)
            {
                items.Add(item);
                item = null;
            }
        }
    }

    private static string? Optional(string value) => value.Length == 0 ? null : value;
}
