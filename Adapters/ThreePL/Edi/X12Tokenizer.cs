using System.Text;

namespace Distribution.Aspire.Adapters.ThreePL.Edi;

/// <summary>
/// Splits X12 text into segments with the separators its ISA declares. Copes with what real files do: a UTF-8
/// byte-order mark, white space before the ISA and before segments (indentation), CR/LF between segments
/// (or inside the ISA, when a mailer wrapped it), CR/LF as the segment terminator itself, and any
/// non-alphanumeric terminator (<c>~</c>, <c>!</c>, <c>$</c>, a newline...).
/// </summary>
public static class X12Tokenizer
{
    public const int IsaLength = 106;

    public static X12TokenizedText Tokenize(string text)
    {
        var start = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        while (start < text.Length && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        if (text.Length - start < 4 || string.CompareOrdinal(text, start, "ISA", 0, 3) != 0)
        {
            throw new X12SyntaxException("The body is not an X12 interchange: it must start with an ISA segment (after an optional byte-order mark).");
        }

        var element = text[start + 3];
        if (char.IsLetterOrDigit(element) || char.IsWhiteSpace(element))
        {
            throw new X12SyntaxException($"ISA declares {Printable(element)} as the element separator; it must be a special character.");
        }

        var index = start + 3;
        var separators = 0;
        for (; index < text.Length; index++)
        {
            if (text[index] == element && ++separators == 16)
            {
                break;
            }
        }

        if (separators < 16 || index + 2 >= text.Length)
        {
            throw new X12SyntaxException($"The ISA segment is incomplete: it has {Math.Min(separators, 16)} of its 16 elements and must be followed by a segment terminator.");
        }

        var component = text[index + 1];
        var terminator = text[index + 2] == '\r' ? '\n' : text[index + 2];
        if (char.IsLetterOrDigit(component) || char.IsWhiteSpace(component) || component == element)
        {
            throw new X12SyntaxException($"ISA16 declares {Printable(component)} as the component separator; it must be a special character other than the element separator.");
        }

        if (char.IsLetterOrDigit(terminator) || terminator == ' ' || terminator == element || terminator == component)
        {
            throw new X12SyntaxException($"The character after ISA16 ({Printable(terminator)}) cannot be a segment terminator.");
        }

        // Line breaks are layout unless they are the terminator; X12 data never contains them.
        var normalized = new StringBuilder(text.Length - start);
        foreach (var c in text.AsSpan(start))
        {
            if (c == '\r' || (c == '\n' && terminator != '\n'))
            {
                continue;
            }

            normalized.Append(c);
        }

        var body = normalized.ToString();
        var isa = SplitElements(body[..body.IndexOf(terminator, StringComparison.Ordinal)], element);
        char? repetition = isa.Length > 12 && string.CompareOrdinal(isa[12], "00402") >= 0 && isa[11].Length == 1 && !char.IsLetterOrDigit(isa[11][0])
            ? isa[11][0]
            : null;
        var delimiters = new X12Delimiters(element, component, terminator, repetition);

        var segments = new List<X12Segment>();
        var isaLengths = new Dictionary<int, int>();
        foreach (var raw in body.Split(terminator))
        {
            var piece = raw.TrimStart();
            if (piece.Length == 0)
            {
                continue;
            }

            var parts = SplitElements(piece, element);
            var segment = new X12Segment(parts[0], parts[1..], segments.Count + 1, component);
            if (segment.Is("ISA"))
            {
                isaLengths[segment.Position] = piece.Length + 1;
            }

            segments.Add(segment);
        }

        return new X12TokenizedText(delimiters, segments, isaLengths);
    }

    public static string Printable(char c) => c switch
    {
        '\n' => "LF",
        '\r' => "CR",
        '\t' => "TAB",
        ' ' => "SPACE",
        _ when char.IsControl(c) => $"U+{(int)c:X4}",
        _ => $"'{c}'",
    };

    private static string[] SplitElements(string segment, char element) => segment.Split(element);
}

/// <summary>The segments of a text and the raw length of each ISA (by segment position), for the fixed-length check.</summary>
public sealed record X12TokenizedText(X12Delimiters Delimiters, IReadOnlyList<X12Segment> Segments, IReadOnlyDictionary<int, int> IsaLengths);
