using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Distribution.Aspire.OrderService.Domain;

namespace Distribution.Aspire.OrderService.Queries;

/// <summary>
/// The keyset cursor: the (created_at, order_id) of the last order on a page, base64url-encoded so callers
/// treat it as opaque. Keyset rather than offset, so pages stay stable while new orders arrive.
/// </summary>
public static class PageToken
{
    private const string Version = "o1";

    public static string Encode(DateTimeOffset createdAt, Guid orderId) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{Version}|{createdAt.UtcTicks}|{orderId:N}")));

    public static (DateTimeOffset CreatedAt, Guid OrderId) Decode(string token)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('|');
            if (parts.Length == 3 && parts[0] == Version
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks
                && Guid.TryParseExact(parts[2], "N", out var orderId))
            {
                return (new DateTimeOffset(ticks, TimeSpan.Zero), orderId);
            }
        }
        catch (FormatException)
        {
        }

        throw OrderRejectedException.Invalid(OrderCodes.InvalidPageToken, "pageToken is not a token this service issued.", "pageToken");
    }
}
