using Distribution.Aspire.ServiceDefaults.Errors;
using Distribution.Aspire.ServiceDefaults.Partners;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Distribution.Aspire.InventoryService.Availability;

/// <summary>What a partner's channel may offer of a SKU.</summary>
public sealed record ChannelAvailabilityResponse(string Sku, int Available, string Channel, DateTimeOffset AsOf);

public static class AvailabilityApi
{
    /// <summary>Partner JSON: <c>GET /v1/inventory/{sku}</c> for the caller's channel (from the gateway's partner headers).</summary>
    public static IEndpointRouteBuilder MapAvailabilityApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1/inventory/{sku}", GetAsync).WithTags("Inventory");
        return endpoints;
    }

    public static async Task<Results<Ok<ChannelAvailabilityResponse>, ProblemHttpResult>> GetAsync(
        string sku, HttpContext context, AvailabilityReader reader, CancellationToken cancellationToken)
    {
        if (!PartnerIdentity.TryGet(context, out var partner))
        {
            return InventoryProblems.Problem(StatusCodes.Status401Unauthorized, ProblemCodes.Unauthorized, "The request carries no partner identity.");
        }

        var snapshot = IsWellFormed(sku) ? await reader.GetAsync(sku, cancellationToken) : null;
        if (snapshot is null)
        {
            return InventoryProblems.Problem(StatusCodes.Status404NotFound, InventoryErrors.UnknownSku, $"No item '{sku}'.");
        }

        var channel = partner.Channel.ToLowerInvariant();
        return TypedResults.Ok(new ChannelAvailabilityResponse(snapshot.Sku, snapshot.ForChannel(channel), channel, snapshot.AsOf));
    }

    private static bool IsWellFormed(string sku)
    {
        try
        {
            InventoryValidation.Sku(sku);
            return true;
        }
        catch (InventoryException)
        {
            return false;
        }
    }
}
