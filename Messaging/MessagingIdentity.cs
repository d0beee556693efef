namespace Distribution.Aspire.Messaging;

/// <summary>Who this service is on the bus: the CloudEvents source it publishes as and the subscription it consumes as.</summary>
public sealed record MessagingIdentity(string ServiceName, string Subscription, string ConsumerName)
{
    public string Source => "/distribution/" + ServiceName;
}
