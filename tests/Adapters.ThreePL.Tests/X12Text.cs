using Distribution.Aspire.Adapters.ThreePL.Edi;

namespace Distribution.Aspire.Adapters.ThreePL.Tests;

/// <summary>Builds X12 interchanges for tests with the adapter's writer, as a 3PL would send them.</summary>
public static class X12Text
{
    public const string Partner = "ACME3PL";
    public const string Us = "DISTASPIRE";

    public static string Interchange(long control, string functionalId, long groupControl, params X12SetContent[] sets) =>
        X12Writer.Write(
            new X12InterchangeHeader("ZZ", Partner, "ZZ", Us, new DateTimeOffset(2026, 11, 28, 10, 30, 0, TimeSpan.Zero), control, Test: false, AcknowledgmentRequested: false),
            [new X12GroupContent(functionalId, groupControl, sets)]);

    /// <summary>A 945 for <paramref name="reference"/>: one LX per line with MAN*CP tracking, W12 and N9*LI.</summary>
    public static X12SetContent ShippingAdvice(string control, string reference, string shipmentId, string tracking, params (string LineId, string Sku, int Ordered, int Shipped)[] lines)
    {
        var body = new List<string[]>
        {
            new[] { "W06", "F", reference, "20261128", shipmentId },
            new[] { "G62", "11", "20261128", "8", "1015" },
            new[] { "W27", "U", "UPSN" },
        };
        var number = 0;
        foreach (var line in lines)
        {
            body.Add(["LX", (++number).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            body.Add(["MAN", "CP", tracking]);
            body.Add(["W12", "CC", line.Ordered.ToString(System.Globalization.CultureInfo.InvariantCulture), line.Shipped.ToString(System.Globalization.CultureInfo.InvariantCulture), "0", "EA", string.Empty, "SK", line.Sku]);
            body.Add(["N9", "LI", line.LineId]);
        }

        body.Add(["W03", lines.Sum(l => l.Shipped).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        return new X12SetContent("945", control, body);
    }

    /// <summary>An 856 S/O/P/I for <paramref name="reference"/> with one pack carrying <paramref name="tracking"/>.</summary>
    public static X12SetContent ShipNotice(string control, string reference, string shipmentId, string tracking, params (string LineId, string Sku, int Shipped)[] lines)
    {
        var body = new List<string[]>
        {
            new[] { "BSN", "00", shipmentId, "20261128", "1015" },
            new[] { "HL", "1", string.Empty, "S" },
            new[] { "TD5", string.Empty, "2", "FDEG" },
            new[] { "REF", "CN", tracking },
            new[] { "DTM", "011", "20261128", "1000" },
            new[] { "HL", "2", "1", "O" },
            new[] { "PRF", reference },
            new[] { "HL", "3", "2", "P" },
            new[] { "MAN", "CP", tracking },
        };
        var hl = 3;
        foreach (var line in lines)
        {
            body.Add(["HL", (++hl).ToString(System.Globalization.CultureInfo.InvariantCulture), "3", "I"]);
            body.Add(["LIN", line.LineId, "SK", line.Sku]);
            body.Add(["SN1", string.Empty, line.Shipped.ToString(System.Globalization.CultureInfo.InvariantCulture), "EA"]);
        }

        body.Add(["CTT", hl.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        return new X12SetContent("856", control, body);
    }

    public static X12SetContent InventoryAdvice(string control, string reference, string warehouse, params (string Sku, int OnHand)[] items)
    {
        var body = new List<string[]>
        {
            new[] { "BIA", "00", "SI", reference, "20261128", "0600" },
            new[] { "N1", "WH", "ACME EAST", "91", warehouse },
        };
        var number = 0;
        foreach (var item in items)
        {
            body.Add(["LIN", (++number).ToString(System.Globalization.CultureInfo.InvariantCulture), "SK", item.Sku]);
            body.Add(["QTY", "17", item.OnHand.ToString(System.Globalization.CultureInfo.InvariantCulture), "EA"]);
        }

        body.Add(["CTT", number.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        return new X12SetContent("846", control, body);
    }

    public static X12Document Parse(string text) => X12Parser.Parse(text);

    /// <summary>The 997s of an answer, one per acknowledged group.</summary>
    public static IReadOnlyList<FunctionalAcknowledgment> Acknowledgments(string answer) =>
        [.. X12Parser.Parse(answer).Interchanges.SelectMany(i => i.Groups).SelectMany(g => g.TransactionSets)
            .Where(s => s.Type == "997").Select(s => FunctionalAcknowledgment997.Read(s).Document!)];
}
