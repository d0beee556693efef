using System.Security.Cryptography;
using System.Text;

namespace Distribution.Aspire.Adapters.ThreePL.Applying;

/// <summary>
/// Fulfillment takes dispatch ids of at most 64 characters and partner event ids of at most 128, and refuses
/// longer ones. Ours are built from partner data, so a long one keeps its start and ends in a hash of the whole:
/// still unique and still the same every time the same document arrives.
/// </summary>
public static class BoundedIds
{
    public const int DispatchId = 64;
    public const int PartnerEventId = 128;

    public static string Fit(string id, int maxLength)
    {
        if (id.Length <= maxLength)
        {
            return id;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)))[..16];
        return id[..(maxLength - hash.Length - 1)] + "#" + hash;
    }
}
