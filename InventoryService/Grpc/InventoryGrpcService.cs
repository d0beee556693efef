using Distribution.Aspire.Contracts.Inventory.V1;
using Distribution.Aspire.InventoryService.Availability;
using Distribution.Aspire.InventoryService.Items;
using Distribution.Aspire.InventoryService.Reservations;
using Distribution.Aspire.InventoryService.Stock;
using Distribution.Aspire.ServiceDefaults.Errors;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Contract = Distribution.Aspire.Contracts.Events.Orders;

namespace Distribution.Aspire.InventoryService.Grpc;

/// <summary>
/// The inventory's system API. Refusals are <see cref="RpcException"/>s whose trailer <c>error-code</c> carries
/// the stable error code (<c>unknown_sku</c>, <c>duplicate_line_id</c>, ...); nothing is stored for them.
/// </summary>
public sealed class InventoryGrpcService(
    InventoryTransactions transactions,
    ReservationService reservations,
    StockService stock,
    AvailabilityReader availability,
    ItemCatalog catalog,
    IOptions<InventoryOptions> options,
    TimeProvider time) : Inventory.InventoryBase
{
    public override Task<ReserveOrderResponse> ReserveOrder(ReserveOrderRequest request, ServerCallContext context) => GuardAsync(async () =>
    {
        var command = new ReserveCommand(
            InventoryValidation.OrderId(request.OrderId),
            InventoryValidation.Channel(request.Channel),
            InventoryValidation.Lines(request.Lines.Select(l => ((string?)l.LineId, (string?)l.Sku, l.Quantity))),
            request.Priority,
            request.ReceivedAt?.ToDateTimeOffset() ?? time.GetUtcNow());
        var outcome = await transactions.RunAsync(
            (transaction, changes) => reservations.ReserveAsync(transaction, command, unknownSkusAreShort: false, changes, context.CancellationToken),
            context.CancellationToken);
        if (outcome.Status == ReservationStatus.Cancelled)
        {
            throw new InventoryException(InventoryErrors.OrderCancelled, $"Order {command.OrderId} was cancelled; it cannot be reserved again.", InventoryErrorKind.Conflict);
        }

        return new ReserveOrderResponse
        {
            Reserved = outcome.Status == ReservationStatus.Reserved,
            Allocations = { outcome.Allocations.Select(ToAllocation) },
            Shortages = { outcome.Shortages.Select(s => new Shortage { Sku = s.Sku, Requested = s.Requested, Available = s.Available }) },
        };
    });

    public override Task<ReleaseOrderResponse> ReleaseOrder(ReleaseOrderRequest request, ServerCallContext context) => GuardAsync(async () =>
    {
        var orderId = InventoryValidation.OrderId(request.OrderId);
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? "released" : InventoryValidation.Reason(request.Reason);
        var released = await transactions.RunAsync(
            (transaction, changes) => reservations.ReleaseAsync(transaction, orderId, "unknown", reason, changes, context.CancellationToken),
            context.CancellationToken);
        return new ReleaseOrderResponse { Released = { released.Select(ToAllocation) } };
    });

    public override Task<CommitShipmentResponse> CommitShipment(CommitShipmentRequest request, ServerCallContext context) => GuardAsync(async () =>
    {
        var orderId = InventoryValidation.OrderId(request.OrderId);
        if (string.IsNullOrEmpty(request.ShipmentId) || request.ShipmentId.Length > 128)
        {
            throw new InventoryException(InventoryErrors.MissingShipmentId, "shipment_id is required (at most 128 characters).");
        }

        if (request.Lines.Count is 0 or > InventoryValidation.MaxLines)
        {
            throw new InventoryException(request.Lines.Count == 0 ? InventoryErrors.NoLines : InventoryErrors.TooManyLines, $"A shipment has 1 to {InventoryValidation.MaxLines} lines.");
        }

        var lines = request.Lines.Select(l => (InventoryValidation.LineId(l.LineId), InventoryValidation.Quantity(l.Quantity))).ToList();
        if (lines.Select(l => l.Item1).Distinct(StringComparer.Ordinal).Count() != lines.Count)
        {
            throw new InventoryException(InventoryErrors.DuplicateLineId, "Each line id appears once per shipment.");
        }

        var outcome = await transactions.RunAsync(
            (transaction, changes) => reservations.CommitAsync(transaction, orderId, request.ShipmentId, lines, strict: true, changes, context.CancellationToken),
            context.CancellationToken);
        return new CommitShipmentResponse { Committed = { outcome.Committed.Select(ToAllocation) } };
    });

    public override Task<StockPosition> AdjustStock(AdjustStockRequest request, ServerCallContext context) => GuardAsync(async () =>
    {
        var sku = InventoryValidation.Sku(request.Sku);
        var locationId = InventoryValidation.LocationId(request.LocationId);
        if (request.Delta == 0)
        {
            throw new InventoryException(InventoryErrors.InvalidQuantity, "delta must be non-zero.");
        }

        var reason = InventoryValidation.Reason(request.Reason);
        var reference = InventoryValidation.Reference(request.Reference);
        var position = await transactions.RunAsync(
            (transaction, changes) => stock.AdjustAsync(transaction, sku, locationId, request.Delta, reason, reference, changes, context.CancellationToken),
            context.CancellationToken);
        return ToPosition(position);
    });

    public override Task<SetOnHandResponse> SetOnHand(SetOnHandRequest request, ServerCallContext context) => GuardAsync(async () =>
    {
        var sku = InventoryValidation.Sku(request.Sku);
        var locationId = InventoryValidation.LocationId(request.LocationId);
        if (request.OnHand is < 0 or > InventoryValidation.MaxOnHand)
        {
            throw new InventoryException(InventoryErrors.NegativeOnHand, $"on_hand must be between 0 and {InventoryValidation.MaxOnHand}.", InventoryErrorKind.Unprocessable);
        }

        var countedAt = request.CountedAt?.ToDateTimeOffset()
            ?? throw new InventoryException(InventoryErrors.MissingCountedAt, "counted_at is required: it decides whether this count is newer than the last.");
        var reason = InventoryValidation.Reason(request.Reason);
        var reference = InventoryValidation.Reference(request.Reference);
        var (applied, position) = await transactions.RunAsync(
            (transaction, changes) => stock.SetOnHandAsync(transaction, sku, locationId, request.OnHand, countedAt, reason, reference, changes, context.CancellationToken),
            context.CancellationToken);
        return new SetOnHandResponse { Applied = applied, Position = ToPosition(position) };
    });

    public override Task<Contracts.Inventory.V1.Availability> GetAvailability(GetAvailabilityRequest request, ServerCallContext context) => GuardAsync(async () =>
    {
        var sku = InventoryValidation.Sku(request.Sku);
        var snapshot = await availability.GetAsync(sku, context.CancellationToken)
            ?? throw new InventoryException(InventoryErrors.UnknownSku, $"No item '{sku}'.", InventoryErrorKind.NotFound);
        var channels = string.IsNullOrEmpty(request.Channel)
            ? snapshot.Channels(options.Value.Channels)
            : [new Contracts.Events.Inventory.ChannelQuantity(request.Channel, snapshot.ForChannel(request.Channel))];
        return new Contracts.Inventory.V1.Availability
        {
            Sku = snapshot.Sku,
            Available = snapshot.Available,
            Channels = { channels.Select(c => new ChannelAvailability { Channel = c.Channel, Available = c.Available }) },
            Positions = { snapshot.Positions.Select(ToPosition) },
            AsOf = Timestamp.FromDateTimeOffset(snapshot.AsOf),
        };
    });

    public override Task<Location> UpsertLocation(UpsertLocationRequest request, ServerCallContext context) => GuardAsync(async () =>
    {
        var (location, _) = await transactions.RunAsync(
            (transaction, _) => stock.UpsertLocationAsync(
                transaction, request.LocationId, request.Kind, request.PartnerId, request.HasRank ? request.Rank : null, context.CancellationToken),
            context.CancellationToken);
        return new Location { LocationId = location.LocationId, Kind = location.Kind, PartnerId = location.PartnerId ?? string.Empty, Rank = location.Rank };
    });

    public override Task<UpsertItemsResponse> UpsertItems(UpsertItemsRequest request, ServerCallContext context) => GuardAsync(async () =>
    {
        var entries = request.Items.Select(i => new CatalogEntry(
            i.Sku, i.Description, i.UnitOfMeasure, i.Blocked, i.ModifiedAt?.ToDateTimeOffset())).ToList();
        var result = await catalog.UpsertAsync(entries, request.Source, context.CancellationToken);
        return new UpsertItemsResponse
        {
            Created = result.Created,
            Updated = result.Updated,
            Unchanged = result.Unchanged,
            Rejected = { result.Rejected.Select(r => new RejectedItem { Sku = r.Sku, Code = r.Code, Message = r.Message }) },
        };
    });

    private static Allocation ToAllocation(Contract.AllocatedLine line) =>
        new() { LineId = line.LineId, Sku = line.Sku, LocationId = line.LocationId, Quantity = line.Quantity };

    private static StockPosition ToPosition(PositionView position) => new()
    {
        Sku = position.Sku,
        LocationId = position.LocationId,
        OnHand = position.OnHand,
        Reserved = position.Reserved,
        SafetyStock = position.SafetyStock,
        Available = position.Available,
    };

    private static async Task<T> GuardAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (InventoryException ex)
        {
            var status = ex.Kind switch
            {
                InventoryErrorKind.NotFound => StatusCode.NotFound,
                InventoryErrorKind.Conflict or InventoryErrorKind.Unprocessable => StatusCode.FailedPrecondition,
                _ => StatusCode.InvalidArgument,
            };
            throw GrpcRefusal.Create(status, ex.Code, ex.Message);
        }
    }
}
