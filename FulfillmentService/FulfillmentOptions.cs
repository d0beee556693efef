using Distribution.Aspire.FulfillmentService.Domain;
using Distribution.Aspire.FulfillmentService.Routing;

namespace Distribution.Aspire.FulfillmentService;

/// <summary>Configuration section <c>Fulfillment</c> (docs/fulfillment.md).</summary>
public sealed class FulfillmentOptions
{
    public const string SectionName = "Fulfillment";

    /// <summary>The order service's gRPC endpoint; <c>_grpc.</c> picks its HTTP/2 endpoint through service discovery.</summary>
    public Uri OrdersAddress { get; set; } = new("http://_grpc.orderservice");

    /// <summary>Deadline of one call to the order service; a handler that times out fails and its event is retried.</summary>
    public TimeSpan OrdersCallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Nodes that are not our own warehouses, by location id: <c>Fulfillment:Nodes:3PL-EAST:Kind = 3pl</c>,
    /// <c>…:PartnerId = acme-3pl</c>. A location not listed is one of our own warehouses.
    /// </summary>
    public Dictionary<string, NodeOptions> Nodes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long an exception of each kind may stay open (by wire name: <c>on_hold</c>, <c>lost</c>, …).</summary>
    public Dictionary<string, TimeSpan> ExceptionSla { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        [ExceptionKind.Lost.ToWire()] = TimeSpan.FromHours(24),
        [ExceptionKind.Damaged.ToWire()] = TimeSpan.FromHours(24),
        [ExceptionKind.AddressProblem.ToWire()] = TimeSpan.FromHours(4),
        [ExceptionKind.OnHold.ToWire()] = TimeSpan.FromHours(8),
        [ExceptionKind.Other.ToWire()] = TimeSpan.FromHours(24),
    };

    /// <summary>How far in the future a partner's occurred-at may lie (clock skew) before it is refused.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan SlaFor(ExceptionKind kind) =>
        ExceptionSla.TryGetValue(kind.ToWire(), out var sla) ? sla : TimeSpan.FromHours(24);
}

public sealed class NodeOptions
{
    /// <summary><c>warehouse</c> or <c>3pl</c>.</summary>
    public string Kind { get; set; } = NodeKinds.Warehouse;

    /// <summary>The 3PL partner that runs the node; its adapter sends the requests.</summary>
    public string? PartnerId { get; set; }
}
