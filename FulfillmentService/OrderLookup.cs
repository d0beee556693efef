using Distribution.Aspire.FulfillmentService.Domain;
using Grpc.Core;
using Microsoft.Extensions.Options;
using OrdersProto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.FulfillmentService;

/// <summary>
/// Reads orders from the order service (ship-to, priority, prices are not in the order events). Any failure
/// other than "not found" is <c>orders_unavailable</c>: an event handler then fails and its event is retried
/// by the backbone; a gRPC caller gets UNAVAILABLE and may try again.
/// </summary>
public sealed class OrderLookup(OrdersProto.Orders.OrdersClient client, IOptions<FulfillmentOptions> options, ILogger<OrderLookup> logger)
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
            return null;
        }
        catch (Exception ex) when (ex is RpcException or HttpRequestException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Order service did not answer for order {OrderId}: {Error}", orderId, ex is RpcException rpc ? rpc.StatusCode.ToString() : ex.GetType().Name);
            throw new FulfillmentRejectedException(
                RejectionKind.Unavailable, FulfillmentCodes.OrdersUnavailable, "The order service did not answer; try again later.");
        }
    }
}
