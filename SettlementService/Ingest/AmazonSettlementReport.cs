using System.Text;
using Distribution.Aspire.SettlementService.Domain;

namespace Distribution.Aspire.SettlementService.Ingest;

/// <summary>
/// Reads Amazon's V2 settlement flat file (GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2): tab-separated, a header
/// row naming the columns, one summary row (settlement id, period, deposit date, total, currency) and one row per
/// amount. Columns are found by name; the set must be exactly Amazon's (with <c>promotion-id</c> allowed). Every
/// problem is collected with its file line, so a partner sees them all at once; nothing is guessed.
/// </summary>
public static class AmazonSettlementReport
{
    public const string Channel = "amazon";

    public static readonly IReadOnlyList<string> Columns =
    [
        "settlement-id", "settlement-start-date", "settlement-end-date", "deposit-date", "total-amount", "currency",
        "transaction-type", "order-id", "merchant-order-id", "adjustment-id", "shipment-id", "marketplace-name",
        "amount-type", "amount-description", "amount", "fulfillment-id", "posted-date", "posted-date-time",
        "order-item-code", "merchant-order-item-id", "merchant-adjustment-item-id", "sku", "quantity-purchased",
    ];

    /// <summary>Present in newer files; allowed, not required.</summary>
    public const string PromotionId = "promotion-id";

    private const int MaxErrors = 100;

    public static CanonicalSettlement Parse(ReadOnlySpan<byte> body, string partnerId, int maxLines)
    {
        var errors = new List<ReportError>();
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(body);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid([new ReportError(null, null, "The report is not UTF-8 text.")]);
        }

        var rows = text.TrimStart('\uFEFF').Split('\n');
        var count = rows.Length;
        while (count > 0 && rows[count - 1].TrimEnd('\r').Length == 0)
        {
            count--;
        }

        if (count == 0)
        {
            throw Invalid([new ReportError(1, null, "The report is empty: expected a header row, a summary row and amount rows.")]);
        }

        if (count - 1 > maxLines)
        {
            throw Invalid([new ReportError(maxLines + 2, null, $"The report has more than {maxLines} rows.")]);
        }

        var header = rows[0].TrimEnd('\r').Split('\t').Select(c => c.Trim().ToLowerInvariant()).ToArray();
        var index = ReadHeader(header, errors);
        if (errors.Count > 0)
        {
            throw Invalid(errors);
        }

        var parsed = new List<(int Line, string[] Fields)>(count);
        for (var i = 1; i < count; i++)
        {
            var row = rows[i].TrimEnd('\r');
            if (row.Trim().Length == 0)
            {
                continue;
            }

            var fields = row.Split('\t');
            if (fields.Length != header.Length)
            {
                Add(errors, new ReportError(i + 1, null, $"Expected {header.Length} tab-separated fields, found {fields.Length}."));
                continue;
            }

            parsed.Add((i + 1, fields));
        }

        string Field(string[] fields, string column) => index.TryGetValue(column, out var at) ? fields[at].Trim() : string.Empty;

        var summaries = parsed.Where(p => Field(p.Fields, "total-amount").Length > 0).ToList();
        if (summaries.Count == 0)
        {
            Add(errors, new ReportError(2, "total-amount", "No summary row: one row must carry the settlement's total-amount, period and currency."));
            throw Invalid(errors);
        }

        foreach (var extra in summaries.Skip(1))
        {
            Add(errors, new ReportError(extra.Line, "total-amount", $"A second summary row (the first is line {summaries[0].Line})."));
        }

        var (summaryLine, summary) = summaries[0];
        var settlementId = Field(summary, "settlement-id");
        if (!SettlementValues.IsId(settlementId))
        {
            Add(errors, new ReportError(summaryLine, "settlement-id", "settlement-id must be 1 to 64 letters, digits, '.', '_' or '-'."));
        }

        var start = Date(errors, summaryLine, "settlement-start-date", Field(summary, "settlement-start-date"), required: true);
        var end = Date(errors, summaryLine, "settlement-end-date", Field(summary, "settlement-end-date"), required: true);
        var deposit = Date(errors, summaryLine, "deposit-date", Field(summary, "deposit-date"), required: false);
        if (start is { } from && end is { } to && to < from)
        {
            Add(errors, new ReportError(summaryLine, "settlement-end-date", "settlement-end-date is before settlement-start-date."));
        }

        var total = Amount(errors, summaryLine, "total-amount", Field(summary, "total-amount"));
        var currency = Field(summary, "currency").ToUpperInvariant();
        if (!SettlementValues.IsCurrency(currency))
        {
            Add(errors, new ReportError(summaryLine, "currency", "currency must be a three-letter ISO 4217 code."));
        }

        var lines = new List<SettlementLine>(parsed.Count);
        var otherCurrencies = new List<int>();
        foreach (var (line, fields) in parsed)
        {
            var rowSettlement = Field(fields, "settlement-id");
            if (rowSettlement != settlementId)
            {
                Add(errors, new ReportError(line, "settlement-id", $"settlement-id '{Shorten(rowSettlement)}' differs from the summary's."));
            }

            var rowCurrency = Field(fields, "currency").ToUpperInvariant();
            if (rowCurrency.Length > 0 && rowCurrency != currency)
            {
                otherCurrencies.Add(line);
            }

            if (line == summaryLine || summaries.Any(s => s.Line == line))
            {
                continue;
            }

            if (ReadLine(errors, line, fields, Field) is { } parsedLine)
            {
                lines.Add(parsedLine);
            }
        }

        if (otherCurrencies.Count > 0)
        {
            Add(errors, new ReportError(otherCurrencies[0], "currency",
                $"Mixed currencies: the summary is in {currency}, lines {string.Join(", ", otherCurrencies.Take(20))}{(otherCurrencies.Count > 20 ? ", ..." : string.Empty)} are not."));
        }

        if (lines.Count == 0 && errors.Count == 0)
        {
            Add(errors, new ReportError(summaryLine + 1, null, "The report has no amount rows."));
        }

        if (errors.Count > 0)
        {
            throw Invalid(errors);
        }

        var header2 = new SettlementHeader(Channel, partnerId, settlementId, start!.Value, end!.Value, deposit, currency, total!.Value);
        return new CanonicalSettlement(header2, lines);
    }

    private static Dictionary<string, int> ReadHeader(string[] header, List<ReportError> errors)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i];
            if (!Columns.Contains(name) && name != PromotionId)
            {
                Add(errors, new ReportError(1, Shorten(name), $"Unexpected column '{Shorten(name)}': this is not a V2 settlement flat file."));
            }
            else if (!index.TryAdd(name, i))
            {
                Add(errors, new ReportError(1, name, $"Column '{name}' appears twice."));
            }
        }

        var missing = Columns.Where(c => !index.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            Add(errors, new ReportError(1, missing[0], $"Missing columns: {string.Join(", ", missing)}."));
        }

        return index;
    }

    private static SettlementLine? ReadLine(List<ReportError> errors, int line, string[] fields, Func<string[], string, string> field)
    {
        // This row's own problems: once the report's list is full it no longer grows, and could not tell a bad row from a good one.
        var problems = new List<ReportError>();
        var transactionType = Required(problems, line, "transaction-type", field(fields, "transaction-type"));
        var amountType = Required(problems, line, "amount-type", field(fields, "amount-type"));
        var description = Required(problems, line, "amount-description", field(fields, "amount-description"));
        var amount = Amount(problems, line, "amount", field(fields, "amount"));
        var posted = Date(problems, line, "posted-date-time", field(fields, "posted-date-time"), required: false)
                     ?? Date(problems, line, "posted-date", field(fields, "posted-date"), required: false);
        int? quantity = null;
        var quantityText = field(fields, "quantity-purchased");
        if (quantityText.Length > 0)
        {
            if (int.TryParse(quantityText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var units) && units <= 1_000_000)
            {
                quantity = units;
            }
            else
            {
                Add(problems, new ReportError(line, "quantity-purchased", $"quantity-purchased '{Shorten(quantityText)}' is not a whole number from 0 to 1000000."));
            }
        }

        var orderId = Optional(problems, line, "order-id", field(fields, "order-id"), SettlementValues.MaxIdLength);
        var sku = Optional(problems, line, "sku", field(fields, "sku"), SettlementValues.MaxIdLength);
        var reference = string.Join('/',
            field(fields, "shipment-id"), field(fields, "adjustment-id"), field(fields, "order-item-code"),
            field(fields, "merchant-adjustment-item-id"), field(fields, PromotionId));
        if (!SettlementValues.IsText(reference, 400))
        {
            Add(problems, new ReportError(line, "shipment-id", "Ids are too long or hold control characters."));
        }

        foreach (var problem in problems)
        {
            Add(errors, problem);
        }

        return problems.Count > 0
            ? null
            : new SettlementLine(line, orderId, transactionType!, amountType!, description!, amount!.Value, sku, quantity, posted, reference.Trim('/').Length == 0 ? null : reference);
    }

    private static string? Required(List<ReportError> errors, int line, string column, string value)
    {
        if (value.Length == 0)
        {
            Add(errors, new ReportError(line, column, $"{column} is required on an amount row."));
            return null;
        }

        if (!SettlementValues.IsText(value))
        {
            Add(errors, new ReportError(line, column, $"{column} is longer than {SettlementValues.MaxTextLength} characters or holds control characters."));
            return null;
        }

        return value;
    }

    private static string? Optional(List<ReportError> errors, int line, string column, string value, int maxLength)
    {
        if (value.Length == 0)
        {
            return null;
        }

        if (!SettlementValues.IsText(value, maxLength))
        {
            Add(errors, new ReportError(line, column, $"{column} is longer than {maxLength} characters or holds control characters."));
            return null;
        }

        return value;
    }

    private static decimal? Amount(List<ReportError> errors, int line, string column, string value)
    {
        if (SettlementValues.TryParseAmount(value, out var amount))
        {
            return amount;
        }

        Add(errors, new ReportError(line, column, value.Length == 0
            ? $"{column} is required."
            : $"{column} '{Shorten(value)}' is not an amount (a decimal number with at most 4 fraction digits)."));
        return null;
    }

    private static DateTimeOffset? Date(List<ReportError> errors, int line, string column, string value, bool required)
    {
        if (value.Length == 0)
        {
            if (required)
            {
                Add(errors, new ReportError(line, column, $"{column} is required."));
            }

            return null;
        }

        if (SettlementValues.TryParseDate(value, out var date))
        {
            return date;
        }

        Add(errors, new ReportError(line, column, $"{column} '{Shorten(value)}' is not a date (ISO 8601, 'yyyy-MM-dd HH:mm:ss UTC' or 'dd.MM.yyyy')."));
        return null;
    }

    private static void Add(List<ReportError> errors, ReportError error)
    {
        if (errors.Count < MaxErrors)
        {
            errors.Add(error);
        }
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "...";

    private static SettlementRejectedException Invalid(List<ReportError> errors) =>
        new(RejectionKind.Invalid, SettlementCodes.InvalidSettlementReport,
            errors.Count == 1 ? errors[0].Message : $"The settlement report has {errors.Count}{(errors.Count >= MaxErrors ? "+" : string.Empty)} problems; see errors.",
            errors);
}
