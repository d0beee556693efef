using Microsoft.Extensions.Options;

namespace Distribution.Aspire.FulfillmentService.Routing;

/// <summary>A fulfillment node: where the stock is held and who ships from it.</summary>
public sealed record Node(string LocationId, string Kind, string? PartnerId);

/// <summary>
/// Which kind of node a location is. Inventory owns the locations; fulfillment keeps the routing-relevant
/// part (3PL nodes and their partner) in configuration, and every other location is our own warehouse.
/// </summary>
public sealed class NodeDirectory(IOptionsMonitor<FulfillmentOptions> options)
{
    public Node Resolve(string locationId) =>
        options.CurrentValue.Nodes.TryGetValue(locationId, out var node)
            ? new Node(locationId, node.Kind, string.IsNullOrWhiteSpace(node.PartnerId) ? null : node.PartnerId)
            : new Node(locationId, NodeKinds.Warehouse, null);

    /// <summary>Startup check: a misconfigured node would route a 3PL's stock to nobody.</summary>
    public static bool IsValid(FulfillmentOptions options) =>
        options.Nodes.Values.All(node =>
            node.Kind == NodeKinds.Warehouse || (node.Kind == NodeKinds.ThreePL && !string.IsNullOrWhiteSpace(node.PartnerId)));
}
