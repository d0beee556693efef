using System.Globalization;
using System.Text;

namespace Distribution.Aspire.Adapters.Sandbox.ThreePL;

/// <summary>
/// The simulated 3PL's own small X12 reader and writer, written apart from the adapter's library on purpose: the
/// adapter is tested against a second implementation, as it would be against a real 3PL's translator.
/// </summary>
public static class SandboxX12
{
    /// <summary>Segments as element arrays, with the separators taken from the ISA.</summary>
    public static List<string[]> Segments(string text)
    {
        text = text.TrimStart('\uFEFF', ' ', '\r', '\n', '\t');
        if (!text.StartsWith("ISA", StringComparison.Ordinal) || text.Length < 106)
        {
            throw new FormatException("Not an X12 interchange.");
        }

        var element = text[3];
        var separators = 0;
        var index = 3;
        while (separators < 16)
        {
            if (text[index++] == element)
            {
                separators++;
            }
        }

        var terminator = text[index + 1];
        var body = terminator is '\r' or '\n' ? text.Replace("\r", string.Empty, StringComparison.Ordinal) : text.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal);
        return [.. body.Split(terminator == '\r' ? '\n' : terminator)
            .Select(s => s.Trim())
            .Where(s => s.Length > 0)
            .Select(s => s.Split(element))];
    }

    /// <summary>Writes one interchange holding one group of <paramref name="functionalId"/> with the given transaction sets.</summary>
    public static string Interchange(string senderId, string receiverId, long control, string functionalId, DateTimeOffset at, IReadOnlyList<(string Type, List<string[]> Body)> sets)
    {
        var text = new StringBuilder();
        var isa = control.ToString("D9", CultureInfo.InvariantCulture);
        var date = at.UtcDateTime;
        Segment(text, "ISA", "00", "          ", "00", "          ", "ZZ", senderId.PadRight(15), "ZZ", receiverId.PadRight(15),
            date.ToString("yyMMdd", CultureInfo.InvariantCulture), date.ToString("HHmm", CultureInfo.InvariantCulture), "U", "00401", isa, "0", "P", ">");
        var group = (control % 1_000_000).ToString(CultureInfo.InvariantCulture);
        Segment(text, "GS", functionalId, senderId, receiverId, date.ToString("yyyyMMdd", CultureInfo.InvariantCulture), date.ToString("HHmm", CultureInfo.InvariantCulture), group, "X", "004010");
        var number = 0;
        foreach (var (type, body) in sets)
        {
            var st = (++number).ToString("D4", CultureInfo.InvariantCulture);
            Segment(text, "ST", type, st);
            foreach (var segment in body)
            {
                Segment(text, segment);
            }

            Segment(text, "SE", (body.Count + 2).ToString(CultureInfo.InvariantCulture), st);
        }

        Segment(text, "GE", sets.Count.ToString(CultureInfo.InvariantCulture), group);
        Segment(text, "IEA", "1", isa);
        return text.ToString();
    }

    public static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("HHmm", CultureInfo.InvariantCulture);

    private static void Segment(StringBuilder text, params string[] elements) => text.Append(string.Join('*', elements)).Append("~\n");
}
