using System.Globalization;
using System.Text;

namespace Distribution.Aspire.Adapters.ThreePL.Edi;

/// <summary>Who sends an interchange to whom, when, under which control number.</summary>
public sealed record X12InterchangeHeader(
    string SenderQualifier,
    string SenderId,
    string ReceiverQualifier,
    string ReceiverId,
    DateTimeOffset CreatedAt,
    long ControlNumber,
    bool Test,
    bool AcknowledgmentRequested);

public sealed record X12GroupContent(string FunctionalIdentifier, long ControlNumber, IReadOnlyList<X12SetContent> TransactionSets);

/// <summary>A transaction set's body: the segments between ST and SE, each as id followed by its elements.</summary>
public sealed record X12SetContent(string Type, string ControlNumber, IReadOnlyList<string[]> Body);

/// <summary>
/// Writes 004010 interchanges with <c>*</c>, <c>&gt;</c> and <c>~</c> (plus a line break after each segment,
/// which every reader tolerates and people can read). ISA elements are padded to their fixed widths; data that
/// contains a separator is refused rather than silently altered: callers clean text first.
/// </summary>
public static class X12Writer
{
    public static string Write(X12InterchangeHeader header, IReadOnlyList<X12GroupContent> groups, IReadOnlyList<InterchangeAcknowledgment>? interchangeAcks = null)
    {
        var d = X12Delimiters.Default;
        var text = new StringBuilder();
        var date = header.CreatedAt.UtcDateTime;
        var control = header.ControlNumber.ToString("D9", CultureInfo.InvariantCulture);
        Append(text, d,
        [
            "ISA", "00", new string(' ', 10), "00", new string(' ', 10),
            Fixed(header.SenderQualifier, 2), Fixed(header.SenderId, 15), Fixed(header.ReceiverQualifier, 2), Fixed(header.ReceiverId, 15),
            date.ToString("yyMMdd", CultureInfo.InvariantCulture), date.ToString("HHmm", CultureInfo.InvariantCulture),
            "U", X12Codes.InterchangeVersion, control, header.AcknowledgmentRequested ? "1" : "0", header.Test ? "T" : "P", d.Component.ToString(),
        ]);
        foreach (var ack in interchangeAcks ?? [])
        {
            Append(text, d, ["TA1", ack.ControlNumber, ack.Date, ack.Time, ack.AckCode, ack.NoteCode]);
        }

        foreach (var group in groups)
        {
            var groupControl = group.ControlNumber.ToString(CultureInfo.InvariantCulture);
            Append(text, d,
            [
                "GS", group.FunctionalIdentifier, header.SenderId.Trim(), header.ReceiverId.Trim(),
                date.ToString("yyyyMMdd", CultureInfo.InvariantCulture), date.ToString("HHmm", CultureInfo.InvariantCulture),
                groupControl, "X", X12Codes.Version,
            ]);
            foreach (var set in group.TransactionSets)
            {
                Append(text, d, ["ST", set.Type, set.ControlNumber]);
                foreach (var segment in set.Body)
                {
                    Append(text, d, segment);
                }

                Append(text, d, ["SE", (set.Body.Count + 2).ToString(CultureInfo.InvariantCulture), set.ControlNumber]);
            }

            Append(text, d, ["GE", group.TransactionSets.Count.ToString(CultureInfo.InvariantCulture), groupControl]);
        }

        Append(text, d, ["IEA", groups.Count.ToString(CultureInfo.InvariantCulture), control]);
        return text.ToString();
    }

    /// <summary>Text made safe for an element: separators and control characters become spaces, runs collapse, at most <paramref name="maxLength"/>.</summary>
    public static string Clean(string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return string.Empty;
        }

        var d = X12Delimiters.Default;
        var cleaned = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            var safe = char.IsControl(c) || d.IsDelimiter(c) || c == '^' ? ' ' : c;
            if (safe == ' ' && (cleaned.Length == 0 || cleaned[^1] == ' '))
            {
                continue;
            }

            cleaned.Append(safe);
        }

        var text = cleaned.ToString().Trim();
        return text.Length > maxLength ? text[..maxLength].TrimEnd() : text;
    }

    /// <summary>A composite element; its parts are joined with the component separator when written.</summary>
    public static string Composite(params string[] components) => string.Join(ComponentMark, components);

    private const char ComponentMark = '\u001F';

    private static string Fixed(string value, int width) => value.Length >= width ? value[..width] : value.PadRight(width);

    private static void Append(StringBuilder text, X12Delimiters d, string[] elements)
    {
        // Trailing empty elements are dropped, as X12 requires.
        var count = elements.Length;
        while (count > 1 && string.IsNullOrEmpty(elements[count - 1]))
        {
            count--;
        }

        for (var i = 0; i < count; i++)
        {
            var value = elements[i] ?? string.Empty;
            if (i > 0)
            {
                text.Append(d.Element);
            }

            // ISA16 is the component separator itself; everything else must be free of separators.
            if (!(i == 16 && elements[0] == "ISA") && value.Any(d.IsDelimiter))
            {
                throw new ArgumentException($"{elements[0]}{i:00} contains a separator character: '{value}'.", nameof(elements));
            }

            text.Append(value.Replace(ComponentMark, d.Component));
        }

        text.Append(d.Segment).Append('\n');
    }
}
