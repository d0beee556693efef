using System.Globalization;

namespace Distribution.Aspire.Operations.Pages;

/// <summary>How the pages write times and ages: UTC, invariant, the same on every operator's screen.</summary>
public static class Display
{
    public static string At(DateTimeOffset? at) =>
        at is { } value && value != DateTimeOffset.MinValue ? value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "—";

    public static string Age(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } value || value == DateTimeOffset.MinValue)
        {
            return "—";
        }

        var age = now - value;
        return age.TotalMinutes < 1 ? "just now"
            : age.TotalHours < 1 ? $"{(int)age.TotalMinutes} min"
            : age.TotalDays < 2 ? $"{(int)age.TotalHours} h"
            : $"{(int)age.TotalDays} d";
    }
}
