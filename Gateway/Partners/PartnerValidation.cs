using System.Text.RegularExpressions;

namespace Distribution.Aspire.Gateway.Partners;

/// <summary>Checks admin requests completely before anything is stored, reporting every problem at once.</summary>
public static partial class PartnerValidation
{
    public const int MaxPerSecond = 1_000_000;
    public const int MaxBurst = 10_000_000;
    public const int MaxSecretLength = 512;
    private static readonly string[] Kinds = ["b2b", "marketplace", "3pl"];

    public static Dictionary<string, string[]> Create(CreatePartnerRequest request, out NewPartner? partner)
    {
        var errors = new Dictionary<string, string[]>();
        partner = null;
        if (request.PartnerId is null || !Identifier().IsMatch(request.PartnerId))
        {
            errors["partnerId"] = ["Required: 1-64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit."];
        }

        if (request.Kind is null || !Kinds.Contains(request.Kind))
        {
            errors["kind"] = ["Required: one of b2b, marketplace, 3pl."];
        }

        var channel = Channel(request.Channel, required: true, errors);
        var scopes = Scopes(request.Scopes, required: true, errors);
        var (perSecond, burst) = RateLimit(request.RateLimit, required: true, errors);
        Quota(request.DailyQuota, errors);
        var shopDomain = ShopDomain(request.ShopDomain, errors);
        if (scopes is not null && scopes.Contains("shopify") && shopDomain is null && !errors.ContainsKey("shopDomain"))
        {
            errors["shopDomain"] = ["A partner with the shopify scope names its shop domain (e.g. example.myshopify.com)."];
        }

        if (errors.Count == 0)
        {
            partner = new NewPartner(request.PartnerId!, request.Kind!, channel!, scopes!, perSecond!.Value, burst!.Value, request.DailyQuota, shopDomain);
        }

        return errors;
    }

    public static Dictionary<string, string[]> Update(UpdatePartnerRequest request, out PartnerChanges changes)
    {
        var errors = new Dictionary<string, string[]>();
        var channel = Channel(request.Channel, required: false, errors);
        var scopes = Scopes(request.Scopes, required: false, errors);
        var (perSecond, burst) = RateLimit(request.RateLimit, required: false, errors);
        Quota(request.DailyQuota, errors);
        var shopDomain = ShopDomain(request.ShopDomain, errors);
        changes = new PartnerChanges(channel, scopes, perSecond, burst, request.DailyQuota is not null, request.DailyQuota, shopDomain);
        return errors;
    }

    public static Dictionary<string, string[]> Limits(LimitsRequest request, out PartnerChanges changes)
    {
        var errors = new Dictionary<string, string[]>();
        var (perSecond, burst) = RateLimit(request.RateLimit, required: true, errors);
        Quota(request.DailyQuota, errors);
        changes = new PartnerChanges(null, null, perSecond, burst, SetDailyQuota: true, request.DailyQuota, null);
        return errors;
    }

    public static Dictionary<string, string[]> Secret(WebhookSecretRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(request.Secret) || request.Secret.Length > MaxSecretLength)
        {
            errors["secret"] = [$"Required: 1-{MaxSecretLength} characters."];
        }

        return errors;
    }

    public static bool IsIdentifier(string value) => Identifier().IsMatch(value);

    private static string? Channel(string? channel, bool required, Dictionary<string, string[]> errors)
    {
        if (channel is null && !required)
        {
            return null;
        }

        if (channel is null || !ChannelName().IsMatch(channel))
        {
            errors["channel"] = ["Required: 1-32 characters of a-z, 0-9, '.', '_' or '-' (e.g. b2b, shopify, amazon)."];
            return null;
        }

        return channel;
    }

    private static string[]? Scopes(string[]? scopes, bool required, Dictionary<string, string[]> errors)
    {
        if (scopes is null && !required)
        {
            return null;
        }

        if (scopes is null || scopes.Length == 0 || scopes.Any(s => !PartnerScopeNames.TryParse(s, out _)))
        {
            errors["scopes"] = [$"Required: one or more of {string.Join(", ", PartnerScopeNames.Names)}."];
            return null;
        }

        return [.. scopes.Distinct(StringComparer.Ordinal)];
    }

    private static (int? PerSecond, int? Burst) RateLimit(RateLimitBody? limit, bool required, Dictionary<string, string[]> errors)
    {
        if (limit is null && !required)
        {
            return (null, null);
        }

        if (limit?.PerSecond is not (>= 1 and <= MaxPerSecond))
        {
            errors["rateLimit.perSecond"] = [$"Required: 1 to {MaxPerSecond}."];
        }

        if (limit?.Burst is not (>= 1 and <= MaxBurst))
        {
            errors["rateLimit.burst"] = [$"Required: 1 to {MaxBurst}."];
        }

        return (limit?.PerSecond, limit?.Burst);
    }

    private static void Quota(int? quota, Dictionary<string, string[]> errors)
    {
        if (quota is <= 0)
        {
            errors["dailyQuota"] = ["When given: a positive number of requests per UTC day."];
        }
    }

    private static string? ShopDomain(string? shopDomain, Dictionary<string, string[]> errors)
    {
        if (shopDomain is null)
        {
            return null;
        }

        var normalized = shopDomain.Trim().ToLowerInvariant();
        if (!Domain().IsMatch(normalized))
        {
            errors["shopDomain"] = ["A host name such as example.myshopify.com."];
            return null;
        }

        return normalized;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex Identifier();

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,31}$")]
    private static partial Regex ChannelName();

    [GeneratedRegex(@"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$")]
    private static partial Regex Domain();
}
