using Distribution.Aspire.OrderService.Domain;

namespace Distribution.Aspire.OrderService.Submitting;

/// <summary>
/// A submission that passed every rule, with totals computed. <see cref="LinesHash"/> fingerprints what
/// is locked once the order exists (currency, fulfillment channel, lines); <see cref="HeaderHash"/> what
/// the channel may still change before release (ship-to, customer reference, ship-by, priority).
/// </summary>
public sealed record ValidOrder(
    string Channel,
    string PartnerId,
    string ChannelOrderId,
    string? CustomerReference,
    ShipTo ShipTo,
    string Currency,
    IReadOnlyList<OrderLine> Lines,
    OrderTotals Totals,
    string FulfillmentChannel,
    DateTimeOffset? RequestedShipBy,
    int Priority,
    byte[] LinesHash,
    byte[] HeaderHash)
{
    public bool MarketplaceFulfilled => FulfillmentChannel == Contracts.Events.Orders.FulfillmentChannels.Marketplace;
}
