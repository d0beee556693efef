using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Distribution.Aspire.SettlementService.Domain;

namespace Distribution.Aspire.SettlementService.Ingest;

/// <summary>
/// SHA-256 over the settlement's canonical content (not the bytes, so line endings or a decimal comma do not count):
/// a re-sent settlement with the same fingerprint is the same settlement; a different one under the same id is a conflict.
/// </summary>
public static class SettlementFingerprint
{
    public static byte[] Compute(CanonicalSettlement settlement)
    {
        var text = new StringBuilder();
        var header = settlement.Header;
        Append(text, header.Channel, header.ExternalId, Date(header.PeriodStart), Date(header.PeriodEnd), Date(header.DepositDate), header.Currency, Amount(header.TotalAmount));
        foreach (var line in settlement.Lines)
        {
            Append(text, line.OrderReference, line.TransactionType, line.AmountType, line.AmountDescription, Amount(line.Amount),
                line.Sku, line.Quantity?.ToString(CultureInfo.InvariantCulture), Date(line.PostedAt), line.LineReference);
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static void Append(StringBuilder text, params string?[] fields)
    {
        text.AppendJoin('\u001f', fields.Select(f => f ?? "\u0000"));
        text.Append('\u001e');
    }

    private static string Amount(decimal amount) => amount.ToString("0.############################", CultureInfo.InvariantCulture);

    private static string? Date(DateTimeOffset? date) => date?.UtcTicks.ToString(CultureInfo.InvariantCulture);
}
