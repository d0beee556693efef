namespace Distribution.Aspire.Contracts.Events;

/// <summary>
/// An event one service publishes for others. Events with the same partition key (an order id, a SKU)
/// are delivered to each subscriber in the order they were published.
/// </summary>
public interface IIntegrationEvent
{
    string PartitionKey { get; }
}
