namespace Distribution.Aspire.Contracts.Events.Fulfillment;

/// <summary>
/// Returned goods arrived at a location. Inventory restocks the "restock" lines; settlement uses
/// <see cref="RefundAmount"/> (decimal string in <see cref="Currency"/>) as the refund fact.
/// </summary>
[IntegrationEvent("distribution.return.received.v1", "returns")]
public sealed record ReturnReceived(
    Guid ReturnId,
    Guid OrderId,
    string Channel,
    string LocationId,
    IReadOnlyList<ReturnedLine> Lines,
    string RefundAmount,
    string Currency,
    DateTimeOffset ReceivedAt) : IIntegrationEvent
{
    public string PartitionKey => OrderId.ToString();
}
