namespace Distribution.Aspire.Messaging;

/// <summary>
/// Named points in the delivery path where a fault-injection test can stop the process (for example
/// to kill it between a handler's commit and the acknowledgement). Production registers none.
/// </summary>
public interface IMessagingCheckpoint
{
    const string RelayBeforePublish = "relay.before-publish";
    const string ConsumerBeforeAck = "consumer.before-ack";
    const string ConsumerBeforeLeaseRenewal = "consumer.before-lease-renewal";

    ValueTask ReachedAsync(string checkpoint, CancellationToken cancellationToken);
}
