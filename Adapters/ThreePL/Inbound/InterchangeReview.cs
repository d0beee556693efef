using Distribution.Aspire.Adapters.ThreePL.Edi;

namespace Distribution.Aspire.Adapters.ThreePL.Inbound;

/// <summary>What to answer for one received interchange, what to apply and what to quarantine.</summary>
public sealed record InterchangeReviewResult(
    int Index,
    X12Interchange Interchange,
    bool Rejected,
    InterchangeAcknowledgment? InterchangeAck,
    IReadOnlyList<GroupReview> Groups,
    IReadOnlyList<QuarantineEntry> Quarantine);

/// <summary>A group's 997 (null for groups of 997s, which are never acknowledged) and its sets to apply.</summary>
public sealed record GroupReview(X12FunctionalGroup Group, FunctionalAcknowledgment? Ack, IReadOnlyList<AcceptedSet> Accepted);

/// <summary>A transaction set to apply; <see cref="Reference"/> finds it again in the stored text.</summary>
public sealed record AcceptedSet(string Kind, string Reference);

public sealed record QuarantineEntry(string ReasonCode, string Reason, string? Reference);

/// <summary>
/// Decides, for a received interchange, everything the 997/TA1 says: envelope errors (interchange level →
/// TA1 R and every group rejected; group level → AK9 R with its code; set level → AK5 R with its code), the
/// partner's identity (ISA06 must be the partner's, ISA08 ours), the version (GS08 004010), supported sets
/// (945, 856, 846 and 997s; anything else AK5 R 1), segment and element errors found by the readers (AK3/AK4),
/// and the references a 3PL cannot make up: unknown order references, items not on the order, quantities
/// above what we ordered (AK3/AK4 with code 7 on the element). A refused set is quarantined; nothing of it is
/// applied. No database access except the order lookup, so it is tested on its own.
/// </summary>
public sealed class InterchangeReview(IShipmentOrderLookup orders)
{
    private static readonly HashSet<string> Supported = [ShippingAdvice945.Type, ShipNotice856.Type, InventoryAdvice846.Type, FunctionalAcknowledgment997.Type];

    public async Task<InterchangeReviewResult> ReviewAsync(
        X12Document document, int index, string partnerId, PartnerProfile partner, string ourId, CancellationToken cancellationToken)
    {
        var interchange = document.Interchanges[index];
        var errors = document.ErrorsOf(index);
        var quarantine = new List<QuarantineEntry>();
        var interchangeErrors = errors.Where(e => e.Level == X12ErrorLevel.Interchange).ToList();
        string? note = null;
        if (interchangeErrors.Count > 0)
        {
            note = InterchangeNote(interchangeErrors[0], interchange);
            quarantine.AddRange(interchangeErrors.Select(e => new QuarantineEntry(ThreePLReasons.EnvelopeInvalid, e.Message, interchange.ControlNumber)));
        }
        else if (partner.InterchangeId.Length > 0 && !string.Equals(interchange.SenderId, partner.InterchangeId, StringComparison.Ordinal))
        {
            note = X12Codes.Interchange.InvalidSenderId;
            quarantine.Add(new(ThreePLReasons.UnknownSender, $"ISA06 '{interchange.SenderId}' is not partner {partnerId}'s interchange id.", interchange.ControlNumber));
        }
        else if (!string.Equals(interchange.ReceiverId, ourId, StringComparison.Ordinal))
        {
            note = X12Codes.Interchange.InvalidReceiverId;
            quarantine.Add(new(ThreePLReasons.WrongReceiver, $"ISA08 '{interchange.ReceiverId}' is not our interchange id.", interchange.ControlNumber));
        }

        var rejected = note is not null;
        InterchangeAcknowledgment? ta1 = rejected || interchange.Isa[14] == "1"
            ? new InterchangeAcknowledgment(interchange.ControlNumber, interchange.Isa[9], interchange.Isa[10], rejected ? X12Codes.Rejected : X12Codes.Accepted, note ?? X12Codes.Interchange.NoError)
            : null;

        var groups = new List<GroupReview>();
        foreach (var group in interchange.Groups)
        {
            if (group.FunctionalIdentifier == X12Codes.AcknowledgmentGroup)
            {
                var accepted = rejected ? [] : group.TransactionSets
                    .Where(s => s.Type == FunctionalAcknowledgment997.Type && !errors.Any(e => e.GroupControlNumber == group.ControlNumber))
                    .Select(s => new AcceptedSet(s.Type, Reference(index, group, s)))
                    .ToList();
                groups.Add(new GroupReview(group, null, accepted));
                continue;
            }

            if (rejected)
            {
                groups.Add(new GroupReview(group, RejectGroup(group, []), []));
                continue;
            }

            groups.Add(await ReviewGroupAsync(index, group, errors, partnerId, partner, quarantine, cancellationToken));
        }

        return new InterchangeReviewResult(index, interchange, rejected, ta1, groups, quarantine);
    }

    public static string Reference(int index, X12FunctionalGroup group, X12TransactionSet set) => $"{index}/{group.ControlNumber}/{set.ControlNumber}";

    private async Task<GroupReview> ReviewGroupAsync(
        int index, X12FunctionalGroup group, IReadOnlyList<X12EnvelopeError> errors, string partnerId, PartnerProfile partner,
        List<QuarantineEntry> quarantine, CancellationToken cancellationToken)
    {
        var groupErrors = errors.Where(e => e.Level == X12ErrorLevel.Group && e.GroupControlNumber == group.ControlNumber).ToList();
        var groupCodes = groupErrors.Select(e => GroupCode(e.Code)).OfType<string>().Distinct().ToList();
        if (!group.Version.StartsWith(X12Codes.Version, StringComparison.Ordinal))
        {
            groupCodes.Add(X12Codes.Group.VersionNotSupported);
            quarantine.Add(new(ThreePLReasons.VersionNotSupported, $"Group {group.ControlNumber} is version {group.Version}; this adapter reads {X12Codes.Version}.", group.ControlNumber));
        }

        if (groupErrors.Count > 0 || groupCodes.Count > 0)
        {
            quarantine.AddRange(groupErrors.Select(e => new QuarantineEntry(ThreePLReasons.EnvelopeInvalid, e.Message, group.ControlNumber)));
            return new GroupReview(group, RejectGroup(group, groupCodes), []);
        }

        var responses = new List<TransactionSetResponse>();
        var accepted = new List<AcceptedSet>();
        foreach (var set in group.TransactionSets)
        {
            var reference = Reference(index, group, set);
            var setErrors = errors.Where(e => e.Level == X12ErrorLevel.TransactionSet && e.GroupControlNumber == group.ControlNumber && e.TransactionControlNumber == set.ControlNumber).ToList();
            var codes = setErrors.Select(e => SetCode(e.Code)).Distinct().ToList();
            var problems = new List<X12Problem>();
            string? reason = setErrors.Count > 0 ? ThreePLReasons.EnvelopeInvalid : null;
            if (codes.Count == 0)
            {
                if (!Supported.Contains(set.Type))
                {
                    codes.Add(X12Codes.TransactionSet.NotSupported);
                    reason = ThreePLReasons.TransactionSetNotSupported;
                    quarantine.Add(new(reason, $"Transaction set {set.Type} ({set.ControlNumber}) is not one a 3PL sends us (945, 856, 846, 997).", reference));
                }
                else if (X12Codes.GroupFor(set.Type) != group.FunctionalIdentifier)
                {
                    codes.Add(X12Codes.TransactionSet.InvalidIdentifier);
                    reason = ThreePLReasons.TransactionSetNotSupported;
                    quarantine.Add(new(reason, $"Transaction set {set.Type} does not belong in a group with GS01 '{group.FunctionalIdentifier}'.", reference));
                }
                else
                {
                    (reason, problems) = await CheckAsync(set, partnerId, partner, cancellationToken);
                    if (problems.Count > 0)
                    {
                        codes.Add(X12Codes.TransactionSet.SegmentsInError);
                        quarantine.AddRange(problems.Select(p => new QuarantineEntry(reason!, $"{p.SegmentId} at position {p.Position}: {p.Reason}", reference)));
                    }
                }
            }
            else
            {
                quarantine.AddRange(setErrors.Select(e => new QuarantineEntry(ThreePLReasons.EnvelopeInvalid, e.Message, reference)));
            }

            var ok = codes.Count == 0;
            responses.Add(new TransactionSetResponse(set.Type, set.ControlNumber, X12Problem.ToNotes(problems), ok ? X12Codes.Accepted : X12Codes.Rejected, codes));
            if (ok)
            {
                accepted.Add(new AcceptedSet(set.Type, reference));
            }
        }

        var acceptedCount = accepted.Count;
        var ackCode = acceptedCount == group.TransactionSets.Count ? X12Codes.Accepted : acceptedCount == 0 ? X12Codes.Rejected : X12Codes.PartiallyAccepted;
        var included = int.TryParse(group.Ge?[1], out var declared) ? declared : group.TransactionSets.Count;
        var ack = new FunctionalAcknowledgment(group.FunctionalIdentifier, group.ControlNumber, responses, ackCode, included, group.TransactionSets.Count, acceptedCount, []);
        return new GroupReview(group, ack, accepted);
    }

    /// <summary>Reads a supported set and checks its references against what we ordered from this partner.</summary>
    private async Task<(string? Reason, List<X12Problem> Problems)> CheckAsync(X12TransactionSet set, string partnerId, PartnerProfile partner, CancellationToken cancellationToken)
    {
        switch (set.Type)
        {
            case ShippingAdvice945.Type:
            {
                var read = ShippingAdvice945.Read(set);
                if (!read.IsSound)
                {
                    return (ThreePLReasons.SegmentErrors, [.. read.Problems]);
                }

                var advice = read.Document!;
                var order = await orders.FindAsync(partnerId, advice.DepositorOrderNumber, cancellationToken);
                if (order is null)
                {
                    return (ThreePLReasons.UnknownOrderReference, [UnknownReference(set, "W06", advice.DepositorOrderPosition, 2, advice.DepositorOrderNumber)]);
                }

                return CheckItems(order, advice.Items.Select(i => (i.LineId, i.Sku, (IEnumerable<string>?)null, i.QuantityShipped, "W12", i.Position, 3, 8)));
            }

            case ShipNotice856.Type:
            {
                var read = ShipNotice856.Read(set);
                if (!read.IsSound)
                {
                    return (ThreePLReasons.SegmentErrors, [.. read.Problems]);
                }

                var problems = new List<X12Problem>();
                string? reason = null;
                foreach (var noticeOrder in read.Document!.Orders)
                {
                    var order = await orders.FindAsync(partnerId, noticeOrder.OrderReference, cancellationToken);
                    if (order is null)
                    {
                        reason ??= ThreePLReasons.UnknownOrderReference;
                        problems.Add(UnknownReference(set, "PRF", noticeOrder.ReferencePosition, 1, noticeOrder.OrderReference));
                        continue;
                    }

                    var (itemReason, itemProblems) = CheckItems(order, noticeOrder.AllItems.Select(i => (i.LineId, i.Sku, (IEnumerable<string>?)i.ProductIds.Values, i.QuantityShipped, "SN1", i.Position, 2, 0)));
                    reason ??= itemReason;
                    problems.AddRange(itemProblems);
                }

                return (reason, problems);
            }

            case InventoryAdvice846.Type:
            {
                var read = InventoryAdvice846.Read(set);
                if (!read.IsSound)
                {
                    return (ThreePLReasons.SegmentErrors, [.. read.Problems]);
                }

                var advice = read.Document!;
                if (partner.LocationFor(advice.WarehouseCode) is null)
                {
                    var problem = advice.WarehouseCode is null
                        ? X12Problem.Missing("N1", advice.WarehousePosition, "The 846 names no warehouse (N1*WH) and the partner has no default location.")
                        : new X12Problem("N1", advice.WarehousePosition, null, X12Codes.Segment.HasDataElementErrors,
                            new ElementNote(4, null, null, X12Codes.Element.InvalidCodeValue, advice.WarehouseCode), $"Warehouse '{advice.WarehouseCode}' is not one of the partner's locations.");
                    return (ThreePLReasons.UnknownWarehouse, [problem]);
                }

                return (null, []);
            }

            default:
            {
                var read = FunctionalAcknowledgment997.Read(set);
                return read.IsSound ? (null, []) : (ThreePLReasons.SegmentErrors, [.. read.Problems]);
            }
        }
    }

    private static (string? Reason, List<X12Problem> Problems) CheckItems(
        ShipmentOrderInfo order,
        IEnumerable<(string? LineId, string? Sku, IEnumerable<string>? ProductIds, int Quantity, string SegmentId, int Position, int QuantityElement, int ProductElement)> items)
    {
        var problems = new List<X12Problem>();
        string? reason = null;
        var shipped = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var line = order.Match(item.LineId, item.Sku, item.ProductIds);
            if (line is null)
            {
                reason ??= ThreePLReasons.ItemNotOnOrder;
                problems.Add(new X12Problem(item.SegmentId, item.Position, null, X12Codes.Segment.HasDataElementErrors,
                    item.ProductElement > 0 ? new ElementNote(item.ProductElement, null, null, X12Codes.Element.InvalidCodeValue, item.Sku) : null,
                    $"Item {item.Sku ?? item.LineId ?? "(unnamed)"} is not on order {order.OrderReference}."));
                continue;
            }

            var total = shipped[line.LineId] = shipped.GetValueOrDefault(line.LineId) + item.Quantity;
            if (total > line.Quantity)
            {
                reason ??= ThreePLReasons.QuantityExceedsOrder;
                problems.Add(new X12Problem(item.SegmentId, item.Position, null, X12Codes.Segment.HasDataElementErrors,
                    new ElementNote(item.QuantityElement, null, null, X12Codes.Element.InvalidCodeValue, item.Quantity.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    $"Line {line.LineId} ({line.Sku}) ships {total}, more than the {line.Quantity} ordered."));
            }
        }

        return (reason, problems);
    }

    private static X12Problem UnknownReference(X12TransactionSet set, string segmentId, int position, int element, string reference) =>
        new(segmentId, position, null, X12Codes.Segment.HasDataElementErrors,
            new ElementNote(element, null, null, X12Codes.Element.InvalidCodeValue, reference.Length > 99 ? reference[..99] : reference),
            $"Order reference '{reference}' is not an order we sent this partner.");

    private static FunctionalAcknowledgment RejectGroup(X12FunctionalGroup group, IReadOnlyList<string> codes) =>
        new(group.FunctionalIdentifier, group.ControlNumber, [], X12Codes.Rejected,
            int.TryParse(group.Ge?[1], out var declared) ? declared : group.TransactionSets.Count, group.TransactionSets.Count, 0, codes);

    private static string InterchangeNote(X12EnvelopeError error, X12Interchange interchange) => error.Code switch
    {
        X12EnvelopeCodes.IsaLength => X12Parser.IsaWidthProblems(interchange.Isa) is [var first, ..] ? X12Codes.Interchange.ForIsaElement(first.Element) : X12Codes.Interchange.InvalidControlStructure,
        X12EnvelopeCodes.IsaControlNumber => X12Codes.Interchange.InvalidControlNumber,
        X12EnvelopeCodes.IeaMissing => X12Codes.Interchange.PrematureEnd,
        X12EnvelopeCodes.IeaGroupCount => X12Codes.Interchange.InvalidGroupCount,
        X12EnvelopeCodes.IeaControlMismatch => X12Codes.Interchange.ControlNumberMismatch,
        _ => X12Codes.Interchange.InvalidControlStructure,
    };

    private static string? GroupCode(string code) => code switch
    {
        X12EnvelopeCodes.GeMissing => X12Codes.Group.TrailerMissing,
        X12EnvelopeCodes.GeTransactionCount => X12Codes.Group.SetCountMismatch,
        X12EnvelopeCodes.GeControlMismatch => X12Codes.Group.ControlNumberMismatch,
        _ => null,
    };

    private static string SetCode(string code) => code switch
    {
        X12EnvelopeCodes.SeMissing => X12Codes.TransactionSet.TrailerMissing,
        X12EnvelopeCodes.SeControlMismatch => X12Codes.TransactionSet.ControlNumberMismatch,
        _ => X12Codes.TransactionSet.SegmentCountMismatch,
    };
}
