using System.Globalization;
using Distribution.Aspire.Contracts.Common.V1;

namespace Distribution.Aspire.Contracts;

/// <summary>
/// Conversions between the wire form of money (decimal strings) and <see cref="decimal"/>. Parsing is
/// strict on purpose: an amount a partner sent in an unexpected form is refused, never guessed.
/// </summary>
public static class MoneyAmount
{
    public const int MaxFractionDigits = 4;

    public static bool TryParse(string? text, out decimal amount)
    {
        amount = 0;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 32 || text != text.Trim())
        {
            return false;
        }

        const NumberStyles style = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;
        if (!decimal.TryParse(text, style, CultureInfo.InvariantCulture, out amount))
        {
            return false;
        }

        var point = text.IndexOf('.', StringComparison.Ordinal);
        return point < 0 || (point < text.Length - 1 && text.Length - point - 1 <= MaxFractionDigits);
    }

    public static string Format(decimal amount) => amount.ToString("0.00##", CultureInfo.InvariantCulture);

    public static Money ToMoney(decimal amount, string currency) => new() { Amount = Format(amount), Currency = currency };

    public static bool TryGetAmount(this Money money, out decimal amount) => TryParse(money.Amount, out amount);
}
