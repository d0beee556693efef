namespace Distribution.Aspire.ServiceDefaults.Partners;

/// <summary>
/// How the gateway tells a service who is calling. The gateway removes these headers from every
/// incoming request and sets them from the authenticated partner, so a service behind it trusts them;
/// services are not reachable by partners except through the gateway.
/// </summary>
public static class PartnerHeaders
{
    public const string PartnerId = "X-Partner-Id";
    public const string Channel = "X-Partner-Channel";
    public const string Scopes = "X-Partner-Scopes";
}
