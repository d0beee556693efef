namespace Distribution.Aspire.OrderService.Domain;

/// <summary>One entry of an order's history; an update by the channel is an entry with an unchanged status.</summary>
public sealed record StatusChange(OrderStatus Status, DateTimeOffset At, string Reason);
