using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.OrderService.Domain;

namespace Distribution.Aspire.OrderService.Lifecycle;

/// <summary>What a lifecycle step needs of a locked order row: who it belongs to and where it stands.</summary>
/// <param name="CreatedAt">When the order arrived, as stored; null where the row was not read (it is read when needed).</param>
public sealed record OrderHead(
    Guid OrderId, string Channel, string PartnerId, string ChannelOrderId, OrderStatus Status, string FulfillmentChannel, long Version, DateTimeOffset? CreatedAt = null)
{
    public bool MarketplaceFulfilled => FulfillmentChannel == FulfillmentChannels.Marketplace;
}
