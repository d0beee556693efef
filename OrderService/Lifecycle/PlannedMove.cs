using Distribution.Aspire.OrderService.Domain;

namespace Distribution.Aspire.OrderService.Lifecycle;

/// <summary>A transition whose statements are in a batch that has not run yet (<see cref="OrderTransitions.PlanMoves"/>).</summary>
public sealed record PlannedMove(OrderHead Before, OrderStatus To, DateTimeOffset At)
{
    public OrderHead After => Before with { Status = To, Version = Before.Version + 1 };
}
