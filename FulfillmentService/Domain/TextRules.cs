namespace Distribution.Aspire.FulfillmentService.Domain;

/// <summary>Checks every text a caller sends before it reaches the database, which refuses NUL and broken UTF-16.</summary>
public static class TextRules
{
    /// <summary>Null when the value is absent or blank; otherwise the value, if it is storable and short enough.</summary>
    public static string? Optional(string? value, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (value.Length > maxLength)
        {
            throw FulfillmentRejectedException.Invalid(FulfillmentCodes.FieldTooLong, $"{field} is longer than {maxLength} characters.", field);
        }

        if (!IsStorable(value))
        {
            throw FulfillmentRejectedException.Invalid(FulfillmentCodes.InvalidText, $"{field} contains characters that cannot be stored (NUL or a broken surrogate pair).", field);
        }

        return value;
    }

    public static string Required(string? value, string field, int maxLength, string missingCode) =>
        Optional(value, field, maxLength) ?? throw FulfillmentRejectedException.Invalid(missingCode, $"{field} is required.", field);

    private static bool IsStorable(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0' || char.IsLowSurrogate(c))
            {
                return false;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return false;
                }

                i++;
            }
        }

        return true;
    }
}
