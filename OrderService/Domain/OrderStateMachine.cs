namespace Distribution.Aspire.OrderService.Domain;

/// <summary>
/// The order lifecycle: which status may follow which. Every status change in the service goes through
/// <see cref="EnsureCanMove"/>, so this table is the whole truth about the lifecycle.
/// </summary>
public static class OrderStateMachine
{
    private static readonly Dictionary<OrderStatus, OrderStatus[]> Allowed = new()
    {
        // Accepted straight from received only for marketplace-fulfilled orders, which never reserve our stock.
        [OrderStatus.Received] = [OrderStatus.Reserved, OrderStatus.Backordered, OrderStatus.Accepted, OrderStatus.Cancelled],
        [OrderStatus.Backordered] = [OrderStatus.Reserved, OrderStatus.Cancelled],
        [OrderStatus.Reserved] = [OrderStatus.Accepted, OrderStatus.Cancelled],
        [OrderStatus.Accepted] = [OrderStatus.Released, OrderStatus.Cancelled],
        [OrderStatus.Released] = [OrderStatus.PartiallyShipped, OrderStatus.Shipped, OrderStatus.Cancelled],
        [OrderStatus.PartiallyShipped] = [OrderStatus.Shipped],
        [OrderStatus.Shipped] = [OrderStatus.Delivered, OrderStatus.Returned],
        [OrderStatus.Delivered] = [OrderStatus.Returned],
        [OrderStatus.Cancelled] = [],
        [OrderStatus.Returned] = [],
    };

    public static bool CanMove(OrderStatus from, OrderStatus to, bool marketplaceFulfilled = false) =>
        (from, to) == (OrderStatus.Received, OrderStatus.Accepted) ? marketplaceFulfilled : Allowed[from].Contains(to);

    /// <summary>Statuses in which the channel may still change the order (address, priority …): before release.</summary>
    public static bool IsModifiable(OrderStatus status) =>
        status is OrderStatus.Received or OrderStatus.Reserved or OrderStatus.Backordered or OrderStatus.Accepted;

    public static void EnsureCanMove(OrderStatus from, OrderStatus to, bool marketplaceFulfilled = false)
    {
        if (!CanMove(from, to, marketplaceFulfilled))
        {
            throw OrderRejectedException.Conflict(
                OrderCodes.IllegalTransition,
                $"An order that is {from.ToWire()} cannot become {to.ToWire()}.");
        }
    }
}
