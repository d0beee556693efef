using Microsoft.AspNetCore.Http;

namespace Distribution.Aspire.ServiceDefaults.Partners;

/// <summary>The authenticated partner a request is made for, as stamped by the gateway.</summary>
public sealed record PartnerIdentity(string PartnerId, string Channel)
{
    public static bool TryGet(HttpContext context, out PartnerIdentity partner)
    {
        var id = context.Request.Headers[PartnerHeaders.PartnerId].ToString();
        var channel = context.Request.Headers[PartnerHeaders.Channel].ToString();
        partner = new PartnerIdentity(id, string.IsNullOrWhiteSpace(channel) ? "b2b" : channel);
        return !string.IsNullOrWhiteSpace(id) && id.Length <= 64;
    }
}
