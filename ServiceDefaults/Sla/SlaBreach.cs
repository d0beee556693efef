namespace Distribution.Aspire.ServiceDefaults.Sla;

/// <summary>
/// A measured value past its partner's threshold, as operators list it. <see cref="Subject"/> is what it is about
/// (an order id, a shipment id, a partner's window), and makes the breach unique per SLA.
/// </summary>
public sealed record SlaBreach(
    Guid BreachId,
    string Sla,
    string Subject,
    string PartnerId,
    string Channel,
    Guid? OrderId,
    string? Reference,
    double MeasuredSeconds,
    double ThresholdSeconds,
    DateTimeOffset RaisedAt);

public sealed record SlaBreachList(IReadOnlyList<SlaBreach> Breaches);
