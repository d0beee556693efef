using System.Buffers.Text;
using System.Text;

namespace Distribution.Aspire.FulfillmentService.Domain;

/// <summary>
/// Keyset cursors: the sort key of the last item on a page, base64url-encoded so callers treat it as
/// opaque. Keyset rather than offset, so pages stay stable while new items arrive.
/// </summary>
public static class PageToken
{
    public static string Encode(string kind, params string[] parts) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('|', [kind, .. parts])));

    /// <summary>The parts of a token of <paramref name="kind"/>; the caller parses them and calls <see cref="Invalid"/> when they do not.</summary>
    public static string[] Decode(string kind, string token, int parts)
    {
        try
        {
            var values = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('|');
            if (values.Length == parts + 1 && values[0] == kind)
            {
                return values[1..];
            }
        }
        catch (FormatException)
        {
        }

        throw Invalid();
    }

    public static FulfillmentRejectedException Invalid() =>
        FulfillmentRejectedException.Invalid(FulfillmentCodes.InvalidPageToken, "pageToken is not a token this service issued.", "pageToken");

    public static int PageSize(int requested) => requested switch
    {
        <= 0 => FulfillmentLimits.DefaultPageSize,
        > FulfillmentLimits.MaxPageSize => FulfillmentLimits.MaxPageSize,
        _ => requested,
    };
}
