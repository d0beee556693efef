namespace Distribution.Aspire.Gateway.Partners;

/// <summary>The route groups a partner may call. The names are part of the published admin contract.</summary>
[Flags]
public enum PartnerScopes
{
    None = 0,
    Orders = 1,
    Inventory = 2,
    Shopify = 4,
    Amazon = 8,
    ThreePL = 16,
}

public static class PartnerScopeNames
{
    private static readonly (string Name, PartnerScopes Scope)[] All =
    [
        ("orders", PartnerScopes.Orders),
        ("inventory", PartnerScopes.Inventory),
        ("shopify", PartnerScopes.Shopify),
        ("amazon", PartnerScopes.Amazon),
        ("3pl", PartnerScopes.ThreePL),
    ];

    public static IEnumerable<string> Names => All.Select(s => s.Name);

    public static bool TryParse(string name, out PartnerScopes scope)
    {
        foreach (var (candidate, value) in All)
        {
            if (string.Equals(candidate, name, StringComparison.Ordinal))
            {
                scope = value;
                return true;
            }
        }

        scope = PartnerScopes.None;
        return false;
    }

    public static PartnerScopes Parse(IEnumerable<string> names) =>
        names.Aggregate(PartnerScopes.None, (all, name) => TryParse(name, out var scope) ? all | scope : all);

    public static string[] ToNames(PartnerScopes scopes) =>
        [.. All.Where(s => scopes.HasFlag(s.Scope)).Select(s => s.Name)];
}
