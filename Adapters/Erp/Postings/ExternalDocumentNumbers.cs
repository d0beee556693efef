using System.Security.Cryptography;
using System.Text;

namespace Distribution.Aspire.Adapters.Erp.Postings;

/// <summary>
/// The ERP's external document number for an id from an event: BC keeps it as Code[35], upper case. An id that
/// fits is used as is (upper case); a GUID without its dashes; anything longer becomes "X" + 34 hex digits of its
/// SHA-256. Deterministic, so every retry and redelivery names the same document.
/// </summary>
public static class ExternalDocumentNumbers
{
    public const int MaxLength = 35;

    public static string For(string id)
    {
        var upper = id.Trim().ToUpperInvariant();
        if (upper.Length is > 0 and <= MaxLength && upper.All(c => c is > ' ' and < (char)127))
        {
            return upper;
        }

        return Guid.TryParse(upper, out var guid)
            ? guid.ToString("N").ToUpperInvariant()
            : "X" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(id)))[..(MaxLength - 1)];
    }

    public static string For(Guid id) => id.ToString("N").ToUpperInvariant();
}
