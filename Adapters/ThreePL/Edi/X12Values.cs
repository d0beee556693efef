using System.Globalization;

namespace Distribution.Aspire.Adapters.ThreePL.Edi;

/// <summary>X12 data types: dates (CCYYMMDD or YYMMDD), times (HHMM[SS]), whole-number quantities.</summary>
public static class X12Values
{
    public static DateOnly? Date(string value) => value.Length switch
    {
        8 when DateOnly.TryParseExact(value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) => date,
        6 when DateOnly.TryParseExact(value, "yyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) => date,
        _ => null,
    };

    public static TimeOnly? Time(string value) => value.Length switch
    {
        4 when TimeOnly.TryParseExact(value, "HHmm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) => time,
        6 when TimeOnly.TryParseExact(value, "HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) => time,
        >= 7 and <= 8 when TimeOnly.TryParseExact(value[..6], "HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) => time,
        _ => null,
    };

    /// <summary>Date and optional time as a UTC instant (X12 times carry no zone; partners agree on UTC).</summary>
    public static DateTimeOffset? Instant(string date, string time)
    {
        if (Date(date) is not { } day)
        {
            return null;
        }

        var at = time.Length == 0 ? TimeOnly.MinValue : Time(time) ?? TimeOnly.MinValue;
        return new DateTimeOffset(day.ToDateTime(at), TimeSpan.Zero);
    }

    /// <summary>A non-negative whole quantity ("24", "24.0"); null when it is not one.</summary>
    public static int? Quantity(string value) =>
        decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            && number == decimal.Truncate(number) && number <= int.MaxValue
            ? (int)number
            : null;
}
