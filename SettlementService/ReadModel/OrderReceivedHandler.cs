using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Messaging.Consuming;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.SettlementService.ReadModel;

/// <summary>
/// order.received: the order, its channel order id and, from the order service, its prices and total. Only orders of
/// channels that settle (those under <c>Settlements:Channels</c>) cost a call; others are kept without prices.
/// </summary>
public sealed class OrderReceivedHandler(OrderPricing pricing, IOptions<SettlementOptions> options) : IEventHandler<OrderReceived>
{
    public async Task HandleAsync(OrderReceived @event, EventContext context, CancellationToken cancellationToken)
    {
        var order = options.Value.Channels.ContainsKey(@event.Channel) ? await pricing.GetAsync(@event.OrderId, cancellationToken) : null;
        await KnownOrders.RecordReceivedAsync(context, @event, order, cancellationToken);
    }
}
