using System.Text.Json;
using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.OrderService.Submitting;

namespace Distribution.Aspire.OrderService.Api.Json;

/// <summary>
/// Reads a JSON body under the documented size limit. Bound by hand rather than by the framework so a
/// malformed or oversized body gets the order service's own codes (<c>malformed_json</c>,
/// <c>payload_too_large</c>) instead of a generic 400.
/// </summary>
public static class JsonBody
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>The body, or null when there is none and <paramref name="optional"/> allows that.</summary>
    public static async Task<T?> ReadAsync<T>(HttpRequest request, bool optional, CancellationToken cancellationToken) where T : class
    {
        if (request.ContentLength > OrderLimits.MaxBodyBytes)
        {
            throw TooLarge();
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > OrderLimits.MaxBodyBytes)
            {
                throw TooLarge();
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0 && optional)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Options)
                ?? throw OrderRejectedException.Invalid(OrderCodes.MalformedJson, "The body must be a JSON object.");
        }
        catch (JsonException ex)
        {
            var at = string.IsNullOrEmpty(ex.Path) ? string.Empty : $" at {ex.Path}";
            throw OrderRejectedException.Invalid(OrderCodes.MalformedJson, $"The body is not valid JSON for this request{at}.", ex.Path);
        }
    }

    private static OrderRejectedException TooLarge() =>
        new(RejectionKind.TooLarge, OrderCodes.PayloadTooLarge, $"The body may be at most {OrderLimits.MaxBodyBytes} bytes.");
}
