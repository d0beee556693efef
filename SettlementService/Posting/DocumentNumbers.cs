using System.Security.Cryptography;
using System.Text;

namespace Distribution.Aspire.SettlementService.Posting;

/// <summary>
/// The journal's external document number, which the ERP deduplicates on: derived from the settlement alone
/// (<c>AMZ-&lt;settlement id&gt;-USD</c>), so a retry or a replay can never post twice. ERPs allow 35 characters;
/// a longer settlement id is replaced by a prefix of its SHA-256, still deterministic.
/// </summary>
public static class DocumentNumbers
{
    public const int MaxLength = 35;

    public static string For(string channel, string prefix, string externalId, string currency)
    {
        var head = prefix.Length > 0 ? prefix : channel.ToUpperInvariant()[..Math.Min(3, channel.Length)];
        var number = $"{head}-{externalId}-{currency}";
        if (number.Length <= MaxLength)
        {
            return number;
        }

        var digest = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(externalId)));
        return $"{head}-{digest[..(MaxLength - head.Length - currency.Length - 2)]}-{currency}";
    }
}
