namespace Distribution.Aspire.Adapters.ThreePL.Edi;

/// <summary>
/// One segment: its id and elements (element 1 is <c>this[1]</c>, as X12 numbers them). <see cref="Position"/>
/// is the segment's ordinal in the whole text (1 for the first ISA), so errors can point at it.
/// </summary>
public sealed class X12Segment(string id, IReadOnlyList<string> elements, int position, char componentSeparator)
{
    public string Id { get; } = id;

    /// <summary>The elements after the id; <c>Elements[0]</c> is element 1.</summary>
    public IReadOnlyList<string> Elements { get; } = elements;

    public int Position { get; } = position;

    public int ElementCount => Elements.Count;

    /// <summary>Element <paramref name="index"/> (1-based); empty when the segment is shorter.</summary>
    public string this[int index] => index >= 1 && index <= Elements.Count ? Elements[index - 1] : string.Empty;

    /// <summary>Component <paramref name="component"/> (1-based) of a composite element.</summary>
    public string Component(int element, int component)
    {
        var parts = this[element].Split(componentSeparator);
        return component >= 1 && component <= parts.Length ? parts[component - 1] : string.Empty;
    }

    public bool Is(string id) => string.Equals(Id, id, StringComparison.Ordinal);

    public override string ToString() => Elements.Count == 0 ? Id : Id + "*" + string.Join('*', Elements);
}
