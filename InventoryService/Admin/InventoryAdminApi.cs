using Distribution.Aspire.InventoryService.Availability;
using Distribution.Aspire.InventoryService.Stock;
using Distribution.Aspire.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Distribution.Aspire.InventoryService.Admin;

/// <summary>Operator JSON (X-Admin-Key): locations, adjustments and counts, safety stock, channel allocations.</summary>
public static class InventoryAdminApi
{
    public static IEndpointRouteBuilder MapInventoryAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapAdminGroup("/admin").WithTags("Inventory administration");
        group.MapPost("/locations", UpsertLocationAsync);
        group.MapGet("/locations", ListLocationsAsync);
        group.MapPost("/inventory/adjustments", AdjustAsync);
        group.MapGet("/inventory/{sku}", GetAsync);
        group.MapPut("/inventory/{sku}/allocations", PutAllocationsAsync);
        group.MapPut("/inventory/{sku}/safety-stock", PutSafetyStockAsync);
        return endpoints;
    }

    /// <summary>Creates (201) or updates (200) a location. rank orders locations for reservations (lower first, default 100).</summary>
    public static async Task<Results<Created<LocationInfo>, Ok<LocationInfo>, ProblemHttpResult>> UpsertLocationAsync(
        LocationRequest? request, InventoryTransactions transactions, StockService stock, CancellationToken cancellationToken)
    {
        try
        {
            var (location, created) = await transactions.RunAsync(
                (transaction, _) => stock.UpsertLocationAsync(transaction, request?.LocationId, request?.Kind, request?.PartnerId, request?.Rank, cancellationToken),
                cancellationToken);
            return created ? TypedResults.Created($"/admin/locations/{location.LocationId}", location) : TypedResults.Ok(location);
        }
        catch (InventoryException ex)
        {
            return InventoryProblems.From(ex);
        }
    }

    public static async Task<Ok<List<LocationInfo>>> ListLocationsAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT location_id, kind, partner_id, rank FROM locations ORDER BY rank, location_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var locations = new List<LocationInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            locations.Add(new LocationInfo(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt32(3)));
        }

        return TypedResults.Ok(locations);
    }

    /// <summary>
    /// A delta with a reason, or an absolute count (<c>onHand</c>, applied only if <c>countedAt</c>, default
    /// now, is newer than the location's last count). The first adjustment of a SKU creates the item.
    /// </summary>
    public static async Task<Results<Ok<AdjustmentResponse>, ProblemHttpResult>> AdjustAsync(
        AdjustmentRequest? request, InventoryTransactions transactions, StockService stock, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            if (request is null)
            {
                throw new InventoryException(InventoryErrors.InvalidAdjustment, "A body {sku, locationId, delta | onHand, reason} is required.");
            }

            var sku = InventoryValidation.Sku(request.Sku);
            var locationId = InventoryValidation.LocationId(request.LocationId);
            if (request.Delta.HasValue == request.OnHand.HasValue)
            {
                throw new InventoryException(InventoryErrors.InvalidAdjustment, "Give exactly one of delta and onHand.");
            }

            var reason = InventoryValidation.Reason(request.Reason);
            var reference = InventoryValidation.Reference(request.Reference);
            var response = request switch
            {
                { Delta: int delta } => new AdjustmentResponse(
                    true,
                    await transactions.RunAsync(
                        (transaction, changes) => stock.AdjustAsync(transaction, sku, locationId, Delta(delta), reason, reference, changes, cancellationToken),
                        cancellationToken)),
                _ => await SetOnHandAsync(request.OnHand!.Value, request.CountedAt ?? time.GetUtcNow()),
            };
            return TypedResults.Ok(response);

            async Task<AdjustmentResponse> SetOnHandAsync(int onHand, DateTimeOffset countedAt)
            {
                if (onHand is < 0 or > InventoryValidation.MaxOnHand)
                {
                    throw new InventoryException(InventoryErrors.NegativeOnHand, $"onHand must be between 0 and {InventoryValidation.MaxOnHand}.", InventoryErrorKind.Unprocessable);
                }

                var (applied, position) = await transactions.RunAsync(
                    (transaction, changes) => stock.SetOnHandAsync(transaction, sku, locationId, onHand, countedAt, reason, reference, changes, cancellationToken),
                    cancellationToken);
                return new AdjustmentResponse(applied, position);
            }
        }
        catch (InventoryException ex)
        {
            return InventoryProblems.From(ex);
        }
    }

    public static async Task<Results<Ok<InventoryResponse>, ProblemHttpResult>> GetAsync(
        string sku, NpgsqlDataSource database, IOptions<InventoryOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        // Operators get Postgres, not the cache: they are checking what is true now.
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var snapshots = await AvailabilityStore.LoadAsync(connection, null, [sku], time.GetUtcNow(), cancellationToken);
        return snapshots.TryGetValue(sku, out var snapshot)
            ? TypedResults.Ok(ToResponse(snapshot, options.Value))
            : InventoryProblems.Problem(StatusCodes.Status404NotFound, InventoryErrors.UnknownSku, $"No item '{sku}'.");
    }

    public static async Task<Results<Ok<InventoryResponse>, ProblemHttpResult>> PutAllocationsAsync(
        string sku, AllocationsRequest? request, InventoryTransactions transactions, NpgsqlDataSource database, IOptions<InventoryOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            var rules = Rules(request);
            await transactions.RunAsync(
                async (transaction, changes) =>
                {
                    await StockService.SetAllocationsAsync(transaction, sku, rules, changes, cancellationToken);
                    return true;
                },
                cancellationToken);
            return await GetAsync(sku, database, options, time, cancellationToken);
        }
        catch (InventoryException ex)
        {
            return InventoryProblems.From(ex);
        }
    }

    public static async Task<Results<Ok<PositionView>, ProblemHttpResult>> PutSafetyStockAsync(
        string sku, SafetyStockRequest? request, InventoryTransactions transactions, StockService stock, CancellationToken cancellationToken)
    {
        try
        {
            var locationId = InventoryValidation.LocationId(request?.LocationId);
            if (request?.SafetyStock is not (>= 0 and <= InventoryValidation.MaxOnHand) || request.SafetyStock is not int safetyStock)
            {
                throw new InventoryException(InventoryErrors.InvalidQuantity, $"safetyStock must be between 0 and {InventoryValidation.MaxOnHand}.");
            }

            var reason = string.IsNullOrWhiteSpace(request.Reason) ? "safety_stock" : InventoryValidation.Reason(request.Reason);
            return TypedResults.Ok(await transactions.RunAsync(
                (transaction, changes) => stock.SetSafetyStockAsync(transaction, sku, locationId, safetyStock, reason, changes, cancellationToken),
                cancellationToken));
        }
        catch (InventoryException ex)
        {
            return InventoryProblems.From(ex);
        }
    }

    public static InventoryResponse ToResponse(AvailabilitySnapshot snapshot, InventoryOptions options) =>
        new(snapshot.Sku, snapshot.Available, snapshot.Channels(options.Channels), snapshot.Positions, snapshot.Rules, snapshot.AsOf);

    private static int Delta(int delta) =>
        delta != 0 && Math.Abs((long)delta) <= InventoryValidation.MaxOnHand
            ? delta
            : throw new InventoryException(InventoryErrors.InvalidQuantity, $"delta must be non-zero and at most {InventoryValidation.MaxOnHand} either way.");

    private static List<ChannelRule> Rules(AllocationsRequest? request)
    {
        if (request?.Channels is null)
        {
            throw new InventoryException(InventoryErrors.InvalidAllocation, "A body {channels: [{channel, sharePercent, buffer}]} is required.");
        }

        var rules = new List<ChannelRule>();
        foreach (var item in request.Channels)
        {
            var channel = InventoryValidation.Channel(item?.Channel);
            if (item!.SharePercent is not (>= 0 and <= 100) || item.Buffer is not (>= 0 and <= InventoryValidation.MaxOnHand))
            {
                throw new InventoryException(InventoryErrors.InvalidAllocation, $"Channel '{channel}': sharePercent is 0-100 and buffer is 0 or more.");
            }

            if (rules.Any(r => r.Channel == channel))
            {
                throw new InventoryException(InventoryErrors.InvalidAllocation, $"Channel '{channel}' appears more than once.");
            }

            rules.Add(new ChannelRule(channel, item.SharePercent.Value, item.Buffer.Value));
        }

        return rules;
    }
}
