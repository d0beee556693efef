using System.Globalization;
using Distribution.Aspire.Contracts;

namespace Distribution.Aspire.SettlementService.Domain;

/// <summary>Strict reading of the values settlements carry: amounts, dates, currencies and ids. Nothing is guessed.</summary>
public static class SettlementValues
{
    /// <summary>numeric(19,4) holds 15 digits before the point.</summary>
    public const decimal MaxAmount = 999_999_999_999_999m;

    public const int MaxIdLength = 64;

    public const int MaxTextLength = 200;

    // Amazon writes ISO 8601 in the V2 flat file; older and EU files use "UTC" suffixes and day-first dates.
    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd HH:mm:ss 'UTC'",
        "yyyy-MM-dd HH:mm:ss 'GMT'",
        "dd.MM.yyyy HH:mm:ss 'UTC'",
        "dd.MM.yyyy HH:mm:ss",
        "yyyy-MM-dd",
        "dd.MM.yyyy",
    ];

    /// <summary>A signed decimal with at most 4 fraction digits; a decimal comma (German and French reports) is read as the point.</summary>
    public static bool TryParseAmount(string? text, out decimal amount)
    {
        amount = 0;
        if (text is null)
        {
            return false;
        }

        var normalized = text.Contains(',', StringComparison.Ordinal) && !text.Contains('.', StringComparison.Ordinal)
            ? text.Replace(',', '.')
            : text;
        if (normalized.StartsWith('+'))
        {
            return false;
        }

        return MoneyAmount.TryParse(normalized, out amount) && Math.Abs(amount) <= MaxAmount;
    }

    public static bool TryParseDate(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    public static bool IsCurrency(string? text) => text is { Length: 3 } && text.All(char.IsAsciiLetterUpper);

    /// <summary>Channel ids (settlement ids, payout ids): letters, digits, '.', '_' and '-', up to 64 characters.</summary>
    public static bool IsId(string? text) =>
        text is { Length: > 0 and <= MaxIdLength } && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>Free text from a partner: bounded, no control characters.</summary>
    public static bool IsText(string? text, int maxLength = MaxTextLength) =>
        text is not null && text.Length <= maxLength && !text.Any(char.IsControl);

    public static string Format(decimal amount) => MoneyAmount.Format(amount);
}
