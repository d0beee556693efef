using Distribution.Aspire.Contracts.Events;

namespace Distribution.Aspire.Messaging.TestHost;

[IntegrationEvent("distribution.test.widget_made.v1", "widgets")]
public sealed record WidgetMade(string WidgetId, int Sequence) : IIntegrationEvent
{
    public string PartitionKey => WidgetId;
}
