namespace Distribution.Aspire.Adapters.ThreePL.Edi;

/// <summary>
/// One thing wrong inside a transaction set, with the reason in words (for quarantine and operators) and the
/// codes the 997 carries: the segment (AK3) and, when one element is at fault, the element (AK4).
/// </summary>
public sealed record X12Problem(string SegmentId, int Position, string? LoopIdentifier, string SegmentCode, ElementNote? Element, string Reason)
{
    public static X12Problem Missing(string segmentId, int position, string reason, string? loop = null) =>
        new(segmentId, position, loop, X12Codes.Segment.MandatoryMissing, null, reason);

    public static X12Problem OutOfPlace(X12TransactionSet set, X12Segment segment, string reason, string? loop = null) =>
        new(segment.Id, set.PositionOf(segment), loop, X12Codes.Segment.OutOfSequence, null, reason);

    public static X12Problem Unexpected(X12TransactionSet set, X12Segment segment, string reason) =>
        new(segment.Id, set.PositionOf(segment), null, X12Codes.Segment.NotInTransactionSet, null, reason);

    public static X12Problem BadElement(X12TransactionSet set, X12Segment segment, int element, string code, string reason, string? loop = null) =>
        new(segment.Id, set.PositionOf(segment), loop, X12Codes.Segment.HasDataElementErrors,
            new ElementNote(element, null, null, code, BadValueOf(segment[element])), reason);

    /// <summary>The AK3/AK4 notes of a set's problems: one AK3 per segment, its element errors under it.</summary>
    public static IReadOnlyList<SegmentNote> ToNotes(IEnumerable<X12Problem> problems) =>
        [.. problems
            .GroupBy(p => (p.SegmentId, p.Position))
            .OrderBy(g => g.Key.Position)
            .Select(g =>
            {
                var elements = g.Where(p => p.Element is not null).Select(p => p.Element!).DistinctBy(e => (e.Position, e.ComponentPosition)).ToList();
                var code = elements.Count > 0 ? X12Codes.Segment.HasDataElementErrors : g.First().SegmentCode;
                return new SegmentNote(g.Key.SegmentId, g.Key.Position, g.First().LoopIdentifier, code, elements);
            })];

    private static string? BadValueOf(string value) => value.Length == 0 ? null : value.Length > 99 ? value[..99] : value;
}
