using Distribution.Aspire.Contracts.Common.V1;
using Proto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.OrderService.Tests;

public static class GrpcOrders
{
    /// <summary>A valid SubmitOrder request: two lines (1 × SKU-1, 1 × SKU-2) at 10.00 USD.</summary>
    public static Proto.SubmitOrderRequest Request(string channel, string partnerId, string channelOrderId, bool marketplace = false) => new()
    {
        Channel = channel,
        PartnerId = partnerId,
        ChannelOrderId = channelOrderId,
        Currency = "USD",
        FulfillmentChannel = marketplace ? Proto.FulfillmentChannel.Marketplace : Proto.FulfillmentChannel.Merchant,
        ShipTo = new Address { Name = "Ada Buyer", Line1 = "1 Main St", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" },
        Lines =
        {
            new Proto.OrderLine { LineId = "1", Sku = "SKU-1", Quantity = 1, UnitPrice = new Money { Amount = "10.00", Currency = "USD" } },
            new Proto.OrderLine { LineId = "2", Sku = "SKU-2", Quantity = 1, UnitPrice = new Money { Amount = "10.00" } },
        },
    };
}
