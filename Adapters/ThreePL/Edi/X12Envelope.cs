namespace Distribution.Aspire.Adapters.ThreePL.Edi;

/// <summary>A parsed text: one or more interchanges, and what was wrong with its structure.</summary>
public sealed record X12Document(X12Delimiters Delimiters, IReadOnlyList<X12Interchange> Interchanges, IReadOnlyList<X12EnvelopeError> EnvelopeErrors)
{
    /// <summary>The envelope errors of the interchange at <paramref name="index"/> in <see cref="Interchanges"/>.</summary>
    public IReadOnlyList<X12EnvelopeError> ErrorsOf(int index) => [.. EnvelopeErrors.Where(e => e.InterchangeIndex == index)];
}

/// <summary>ISA ... IEA. <see cref="Acknowledgments"/> are TA1 segments between the ISA and the first GS.</summary>
public sealed record X12Interchange(
    X12Segment Isa,
    X12Segment? Iea,
    int IsaLength,
    IReadOnlyList<X12Segment> Acknowledgments,
    IReadOnlyList<X12FunctionalGroup> Groups)
{
    public string ControlNumber => Isa[13];

    public string SenderQualifier => Isa[5];

    public string SenderId => Isa[6].Trim();

    public string ReceiverQualifier => Isa[7];

    public string ReceiverId => Isa[8].Trim();

    public string Version => Isa[12];

    public string UsageIndicator => Isa[15];
}

/// <summary>GS ... GE.</summary>
public sealed record X12FunctionalGroup(X12Segment Gs, X12Segment? Ge, IReadOnlyList<X12TransactionSet> TransactionSets)
{
    public string FunctionalIdentifier => Gs[1];

    public string ControlNumber => Gs[6];

    public string Version => Gs[8];
}

/// <summary>ST ... SE, both included in <see cref="Segments"/>.</summary>
public sealed record X12TransactionSet(IReadOnlyList<X12Segment> Segments, bool HasTrailer)
{
    public X12Segment St => Segments[0];

    public X12Segment? Se => HasTrailer ? Segments[^1] : null;

    public string Type => St[1];

    public string ControlNumber => St[2];

    /// <summary>The segments between ST and SE.</summary>
    public IEnumerable<X12Segment> Body => Segments.Skip(1).Take(Segments.Count - (HasTrailer ? 2 : 1));

    /// <summary>A segment's position within the set, ST being 1 (what AK3-02 reports).</summary>
    public int PositionOf(X12Segment segment) => segment.Position - St.Position + 1;
}
