namespace Distribution.Aspire.Adapters.ThreePL.Edi;

/// <summary>An 856 ship notice: the shipment (carrier, tracking, date) and its orders, packs and items.</summary>
public sealed record ShipNotice(
    string Purpose,
    string ShipmentIdentification,
    DateTimeOffset? NoticeDate,
    DateTimeOffset? ShippedAt,
    string? CarrierScac,
    IReadOnlyList<string> ShipmentTracking,
    IReadOnlyList<NoticeOrder> Orders);

/// <summary>An order level (HL*O): <see cref="OrderReference"/> is PRF-01, the purchase order number, i.e. our 940's W05-02.</summary>
public sealed record NoticeOrder(string OrderReference, int ReferencePosition, IReadOnlyList<NoticePack> Packs, IReadOnlyList<NoticeItem> LooseItems)
{
    public IEnumerable<NoticeItem> AllItems => LooseItems.Concat(Packs.SelectMany(p => p.Items));
}

/// <summary>A pack or tare level (HL*P / HL*T) and its marks: MAN*CP is the carrier's tracking number.</summary>
public sealed record NoticePack(string? TrackingNumber, string? Marks, IReadOnlyList<NoticeItem> Items);

/// <summary>
/// An item level (HL*I): LIN-01 is our line id when the 3PL echoes it; <see cref="ProductIds"/> are LIN's
/// qualifier/value pairs (SK, VN, UP, BP...); SN1-02 units shipped.
/// </summary>
public sealed record NoticeItem(string? LineId, IReadOnlyDictionary<string, string> ProductIds, int QuantityShipped, string Unit, int Position)
{
    /// <summary>SKU: SK, else the vendor's (VN), else the buyer's part number (BP).</summary>
    public string? Sku => ProductIds.GetValueOrDefault("SK") ?? ProductIds.GetValueOrDefault("VN") ?? ProductIds.GetValueOrDefault("BP");
}

/// <summary>
/// Reads 004010 856s: BSN, then HL loops whose parent links (HL-02) and level codes (HL-03: S shipment, O order,
/// T tare, P pack, I item) must form a tree under one shipment level. Shipment level: TD5 (SCAC in TD5-03 when
/// TD5-02 is 2), REF*CN (carrier reference = tracking), DTM*011 (shipped). Order level: PRF. Pack level: MAN.
/// Item level: LIN, SN1. CTT closes it.
/// </summary>
public static class ShipNotice856
{
    public const string Type = "856";

    private sealed class Node(string id, string level, Node? parent)
    {
        public string Id { get; } = id;

        public string Level { get; } = level;

        public Node? Parent { get; } = parent;

        public string? Reference { get; set; }

        public int ReferencePosition { get; set; }

        public string? Tracking { get; set; }

        public string? Marks { get; set; }

        public Dictionary<string, string> ProductIds { get; } = new(StringComparer.Ordinal);

        public string? LineId { get; set; }

        public int? Quantity { get; set; }

        public string Unit { get; set; } = "EA";

        public int Position { get; set; }
    }

    public static X12ReadResult<ShipNotice> Read(X12TransactionSet set)
    {
        var problems = new List<X12Problem>();
        var segments = set.Body.ToList();
        if (segments.Count == 0 || !segments[0].Is("BSN"))
        {
            return X12ReadResult.Failed<ShipNotice>(X12Problem.Missing("BSN", 2, "An 856 starts with BSN."));
        }

        var bsn = segments[0];
        if (bsn[2].Length == 0)
        {
            problems.Add(X12Problem.BadElement(set, bsn, 2, X12Codes.Element.MandatoryMissing, "BSN-02 (shipment identification) is required."));
        }

        var nodes = new Dictionary<string, Node>(StringComparer.Ordinal);
        var order = new List<Node>();
        Node? current = null;
        string? scac = null;
        DateTimeOffset? shippedAt = null;
        var tracking = new List<string>();
        var closed = false;
        var skipping = false;
        for (var i = 1; i < segments.Count; i++)
        {
            var s = segments[i];
            if (closed)
            {
                problems.Add(X12Problem.OutOfPlace(set, s, $"{s.Id} after CTT, which closes the 856."));
                continue;
            }

            if (s.Is("HL"))
            {
                current = AddLevel(s);
                skipping = current is null;
                continue;
            }

            if (skipping && !s.Is("CTT"))
            {
                // The segments of a refused HL loop are not read; the HL's own error says why.
                continue;
            }

            if (s.Is("CTT"))
            {
                closed = true;
                continue;
            }

            if (current is null)
            {
                // DTM is allowed in the header; anything else must be inside an HL loop.
                if (!s.Is("DTM"))
                {
                    problems.Add(X12Problem.OutOfPlace(set, s, $"{s.Id} before the first HL.", "HL"));
                }

                continue;
            }

            switch (current.Level, s.Id)
            {
                case ("S", "TD5"):
                    if (s[2] == "2" && s[3].Length > 0)
                    {
                        scac = s[3];
                    }

                    break;
                case ("S", "REF") when s[1] == "CN" && s[2].Length > 0:
                    tracking.Add(s[2]);
                    break;
                case ("S", "DTM") when s[1] == "011":
                    shippedAt = X12Values.Instant(s[2], s[3]);
                    if (shippedAt is null)
                    {
                        problems.Add(X12Problem.BadElement(set, s, 2, X12Codes.Element.InvalidDate, $"DTM-02 '{s[2]}' is not a CCYYMMDD date.", "HL"));
                    }

                    break;
                case ("S", "TD1" or "TD3" or "TD4" or "REF" or "DTM" or "MEA" or "N1" or "N2" or "N3" or "N4" or "PER" or "FOB" or "PER"):
                    break;
                case ("O", "PRF"):
                    current.Reference = s[1];
                    current.ReferencePosition = set.PositionOf(s);
                    break;
                case ("O", "PID" or "REF" or "DTM" or "N1" or "N2" or "N3" or "N4" or "TD1" or "TD5" or "PER" or "MAN"):
                    break;
                case ("P" or "T", "MAN"):
                    if (s[1] == "CP" && s[2].Length > 0)
                    {
                        current.Tracking = s[2];
                    }
                    else if (s[2].Length > 0)
                    {
                        current.Marks ??= s[2];
                    }

                    break;
                case ("P" or "T", "PO4" or "TD1" or "REF" or "DTM" or "PKG" or "MEA" or "PAL"):
                    break;
                case ("I", "LIN"):
                    current.LineId = s[1].Length > 0 ? s[1] : null;
                    for (var e = 2; e + 1 <= s.ElementCount; e += 2)
                    {
                        if (s[e].Length > 0 && s[e + 1].Length > 0)
                        {
                            current.ProductIds.TryAdd(s[e], s[e + 1]);
                        }
                    }

                    break;
                case ("I", "SN1"):
                    current.Position = set.PositionOf(s);
                    current.Quantity = X12Values.Quantity(s[2]);
                    current.Unit = s[3].Length > 0 ? s[3] : "EA";
                    if (current.Quantity is null)
                    {
                        problems.Add(X12Problem.BadElement(set, s, 2, s[2].Length == 0 ? X12Codes.Element.MandatoryMissing : X12Codes.Element.InvalidCharacter,
                            $"SN1-02 (units shipped) '{s[2]}' is not a quantity.", "HL"));
                    }

                    break;
                case ("I", "PO4" or "PID" or "REF" or "DTM" or "MEA" or "SLN" or "MAN" or "PRF"):
                    break;
                case (_, "BSN"):
                    problems.Add(X12Problem.OutOfPlace(set, s, "BSN appears once, first."));
                    break;
                default:
                    problems.Add(X12Problem.OutOfPlace(set, s, $"{s.Id} does not belong in an HL loop of level {current.Level}.", "HL"));
                    break;
            }
        }

        var shipments = order.Where(n => n.Level == "S").ToList();
        if (shipments.Count != 1)
        {
            problems.Add(shipments.Count == 0
                ? X12Problem.Missing("HL", 3, "An 856 has one shipment level (HL*S).", "HL")
                : X12Problem.OutOfPlace(set, segments.First(s => s.Is("HL") && s[3] == "S" && s[1] == shipments[1].Id), "An 856 has exactly one shipment level (HL*S).", "HL"));
        }

        var orders = new List<NoticeOrder>();
        foreach (var orderNode in order.Where(n => n.Level == "O"))
        {
            if (orderNode.Reference is null)
            {
                problems.Add(X12Problem.Missing("PRF", orderNode.Position, $"Order level HL {orderNode.Id} has no PRF (purchase order reference).", "HL"));
                continue;
            }

            var packs = order.Where(n => n.Level is "P" or "T" && Ancestors(n).Contains(orderNode))
                .Select(p => new NoticePack(p.Tracking, p.Marks, [.. ItemsUnder(p, direct: true)]))
                .ToList();
            orders.Add(new NoticeOrder(orderNode.Reference, orderNode.ReferencePosition, packs, [.. ItemsUnder(orderNode, direct: true)]));
        }

        foreach (var item in order.Where(n => n.Level == "I"))
        {
            if (!Ancestors(item).Any(a => a.Level == "O"))
            {
                problems.Add(new X12Problem("HL", item.Position, "HL", X12Codes.Segment.OutOfSequence, null, $"Item level HL {item.Id} is not under an order level (HL*O)."));
            }
            else if (item.Quantity is null && !problems.Exists(p => p.Position == item.Position && p.SegmentId == "SN1"))
            {
                problems.Add(X12Problem.Missing("SN1", item.Position, $"Item level HL {item.Id} has no SN1 (units shipped).", "HL"));
            }
        }

        if (orders.Count == 0 && !problems.Exists(p => p.SegmentId is "PRF" or "HL"))
        {
            problems.Add(X12Problem.Missing("HL", segments.Count + 1, "An 856 reports at least one order level (HL*O).", "HL"));
        }

        var notice = new ShipNotice(bsn[1], bsn[2], X12Values.Instant(bsn[3], bsn[4]), shippedAt, scac, tracking, orders);
        return new X12ReadResult<ShipNotice>(notice, problems);

        Node? AddLevel(X12Segment hl)
        {
            var id = hl[1];
            var parentId = hl[2];
            var level = hl[3];
            if (id.Length == 0 || nodes.ContainsKey(id))
            {
                problems.Add(X12Problem.BadElement(set, hl, 1, X12Codes.Element.InvalidCodeValue, $"HL-01 '{id}' is missing or repeats an earlier HL id.", "HL"));
                return null;
            }

            Node? parent = null;
            if (parentId.Length > 0 && !nodes.TryGetValue(parentId, out parent))
            {
                problems.Add(X12Problem.BadElement(set, hl, 2, X12Codes.Element.InvalidCodeValue, $"HL-02 '{parentId}' names no earlier HL.", "HL"));
                return null;
            }

            var expectedParents = level switch
            {
                "S" => new[] { string.Empty },
                "O" => ["S"],
                "T" => ["S", "O"],
                "P" => ["O", "T", "P"],
                "I" => ["O", "T", "P"],
                _ => [],
            };
            if (expectedParents.Length == 0)
            {
                problems.Add(X12Problem.BadElement(set, hl, 3, X12Codes.Element.InvalidCodeValue, $"HL-03 level '{level}' is not one we read (S, O, T, P, I).", "HL"));
                return null;
            }

            if (!expectedParents.Contains(parent?.Level ?? string.Empty))
            {
                problems.Add(new X12Problem("HL", set.PositionOf(hl), "HL", X12Codes.Segment.OutOfSequence,
                    new ElementNote(2, null, null, X12Codes.Element.InvalidCodeValue, parentId.Length == 0 ? null : parentId),
                    $"HL {id} (level {level}) cannot sit under {(parent is null ? "nothing" : $"level {parent.Level}")}."));
                return null;
            }

            var node = new Node(id, level, parent) { Position = set.PositionOf(hl), ReferencePosition = set.PositionOf(hl) };
            nodes[id] = node;
            order.Add(node);
            return node;
        }

        IEnumerable<NoticeItem> ItemsUnder(Node container, bool direct) =>
            order.Where(n => n.Level == "I" && n.Quantity is not null && (direct ? n.Parent == container : Ancestors(n).Contains(container)))
                .Select(n => new NoticeItem(n.LineId, n.ProductIds, n.Quantity!.Value, n.Unit, n.Position));
    }

    private static IEnumerable<Node> Ancestors(Node node)
    {
        for (var parent = node.Parent; parent is not null; parent = parent.Parent)
        {
            yield return parent;
        }
    }
}
