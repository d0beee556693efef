namespace Distribution.Aspire.Adapters.ThreePL.Edi;

/// <summary>
/// The separators of one interchange, as its ISA segment declares them: the element separator is the
/// character after "ISA", the component separator is ISA16 and the segment terminator follows ISA16.
/// </summary>
public sealed record X12Delimiters(char Element, char Component, char Segment, char? Repetition)
{
    /// <summary>What we write: the common choice, and none of them may appear in data we send.</summary>
    public static X12Delimiters Default { get; } = new('*', '>', '~', null);

    public bool IsDelimiter(char c) => c == Element || c == Component || c == Segment || c == Repetition;
}
