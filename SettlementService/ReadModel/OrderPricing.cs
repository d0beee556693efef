using Grpc.Core;
using Microsoft.Extensions.Options;
using OrdersProto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.SettlementService.ReadModel;

/// <summary>
/// Reads an order's prices and total from the order service (order events carry none). Not found is null; any other
/// failure throws, so the event handler fails and the backbone delivers the event again later.
/// </summary>
public sealed class OrderPricing(OrdersProto.Orders.OrdersClient client, IOptions<SettlementOptions> options, ILogger<OrderPricing> logger)
{
    public async Task<OrdersProto.Order?> GetAsync(Guid orderId, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetOrderAsync(
                new OrdersProto.GetOrderRequest { OrderId = orderId.ToString() },
                deadline: DateTime.UtcNow + options.Value.OrdersCallTimeout,
                cancellationToken: cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            logger.LogWarning("Order {OrderId} is not known to the order service; it is kept without prices", orderId);
            return null;
        }
    }
}
