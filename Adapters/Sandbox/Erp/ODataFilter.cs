using System.Globalization;
using System.Text.RegularExpressions;

namespace Distribution.Aspire.Adapters.Sandbox.Erp;

/// <summary>The one-comparison subset of OData <c>$filter</c> the adapter uses: <c>field eq 'text'</c>, <c>field gt 2026-01-01T00:00:00Z</c>.</summary>
public sealed partial record ODataFilter(string Field, string Operator, string Value)
{
    public static bool TryParse(string? text, out ODataFilter? filter)
    {
        filter = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var match = Comparison().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var raw = match.Groups[3].Value;
        var value = raw.Length >= 2 && raw[0] == '\'' && raw[^1] == '\'' ? raw[1..^1].Replace("''", "'", StringComparison.Ordinal) : raw;
        filter = new ODataFilter(match.Groups[1].Value, match.Groups[2].Value, value);
        return true;
    }

    /// <summary>Text comparison ignores case, as BC's Code fields (stored upper case) do.</summary>
    public bool Matches(string? actual) => Operator == "eq" && string.Equals(actual, Value, StringComparison.OrdinalIgnoreCase);

    public bool Matches(DateTimeOffset actual)
    {
        if (!DateTimeOffset.TryParse(Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var bound))
        {
            return false;
        }

        return Operator switch
        {
            "eq" => actual == bound,
            "gt" => actual > bound,
            "ge" => actual >= bound,
            "lt" => actual < bound,
            "le" => actual <= bound,
            _ => false,
        };
    }

    [GeneratedRegex(@"^\s*(\w+)\s+(eq|gt|ge|lt|le)\s+(.+?)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Comparison();
}
