using Distribution.Aspire.Contracts.Fulfillment.V1;
using Distribution.Aspire.Contracts.Inventory.V1;

namespace Distribution.Aspire.Adapters.ThreePL.Applying;

/// <summary>One idempotent call a partner document turns into.</summary>
public abstract record FulfillmentCommand;

public sealed record DispatchCommand(RecordDispatchRequest Request) : FulfillmentCommand;

public sealed record MilestoneCommand(RecordMilestoneRequest Request) : FulfillmentCommand;

public sealed record AcknowledgeCommand(AcknowledgeShipmentRequest Request) : FulfillmentCommand;

public sealed record SetOnHandCommand(SetOnHandRequest Request) : FulfillmentCommand;

/// <summary>A document that turned into calls, or could not (with the stable reason code and why).</summary>
public sealed record MappingResult(IReadOnlyList<FulfillmentCommand> Commands, string? ReasonCode = null, string? Error = null)
{
    public bool Ok => ReasonCode is null;

    public static MappingResult Refused(string reasonCode, string error) => new([], reasonCode, error);
}
