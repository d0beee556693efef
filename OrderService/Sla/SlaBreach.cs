namespace Distribution.Aspire.OrderService.Sla;

/// <summary>An order that missed its partner's SLA, as operators list it.</summary>
public sealed record SlaBreach(
    Guid BreachId, Guid OrderId, string PartnerId, string Channel, string ChannelOrderId, string Sla, double MeasuredSeconds, double ThresholdSeconds, DateTimeOffset RaisedAt);

public sealed record SlaBreachList(IReadOnlyList<SlaBreach> Breaches);
