namespace Distribution.Aspire.SettlementService.Reconciliation;

/// <summary>Rule matching for configuration: <c>*</c> matches anything, names match case-insensitively; more named parts is more specific.</summary>
public static class Patterns
{
    public const string Any = "*";

    public static bool Matches(string? pattern, string value) =>
        string.IsNullOrEmpty(pattern) || pattern == Any || string.Equals(pattern, value, StringComparison.OrdinalIgnoreCase);

    public static int Specificity(params string?[] patterns) => patterns.Count(p => !string.IsNullOrEmpty(p) && p != Any);
}
