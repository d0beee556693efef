using System.Collections.Concurrent;
using Distribution.Aspire.Contracts.Fulfillment.V1;
using Distribution.Aspire.Contracts.Inventory.V1;
using Grpc.Core;

namespace Distribution.Aspire.Adapters.ThreePL.Tests;

/// <summary>What the Fulfillment and Inventory doubles were asked, and how they should answer.</summary>
public sealed class RecordingBackends
{
    public ConcurrentQueue<RecordDispatchRequest> Dispatches { get; } = new();

    public ConcurrentQueue<RecordMilestoneRequest> Milestones { get; } = new();

    public ConcurrentQueue<AcknowledgeShipmentRequest> Acknowledgments { get; } = new();

    public ConcurrentQueue<SetOnHandRequest> Counts { get; } = new();

    /// <summary>Dispatch ids and partner event ids already recorded: the real service records each once.</summary>
    public ConcurrentDictionary<string, bool> Seen { get; } = new();

    /// <summary>While set, every call fails with UNAVAILABLE (a service outage).</summary>
    public bool Unavailable { get; set; }

    /// <summary>Shipments Fulfillment refuses with FAILED_PRECONDITION and an error-code trailer.</summary>
    public ConcurrentDictionary<string, string> Refused { get; } = new();

    /// <summary>SKUs Inventory does not know (NOT_FOUND, unknown_sku).</summary>
    public ConcurrentDictionary<string, string> RefusedSkus { get; } = new();

    public void ThrowIfDown(string shipmentId = "")
    {
        if (Unavailable)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "down for the test"));
        }

        if (Refused.TryGetValue(shipmentId, out var code))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "refused for the test"), new Metadata { { "error-code", code } });
        }
    }
}

/// <summary>A Fulfillment double that records calls; dispatches are idempotent on dispatch id, as the real one is.</summary>
public sealed class RecordingFulfillment(RecordingBackends state) : Fulfillment.FulfillmentBase
{
    public override Task<Shipment> RecordDispatch(RecordDispatchRequest request, ServerCallContext context)
    {
        state.ThrowIfDown(request.ShipmentId);
        CheckAsFulfillmentDoes(request);
        if (state.Seen.TryAdd("dispatch:" + request.DispatchId, true))
        {
            state.Dispatches.Enqueue(request);
        }

        return Task.FromResult(new Shipment { ShipmentId = request.ShipmentId, Milestone = Milestone.Shipped });
    }

    public override Task<Shipment> RecordMilestone(RecordMilestoneRequest request, ServerCallContext context)
    {
        state.ThrowIfDown(request.ShipmentId);
        if (request.PartnerEventId.Length > 128 || request.Milestone is Milestone.Shipped or Milestone.Unspecified
            || (request.Milestone == Milestone.Exception && request.ExceptionKind == ExceptionKind.Unspecified))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "refused as FulfillmentService refuses it"));
        }

        if (request.PartnerEventId.Length == 0 || state.Seen.TryAdd("event:" + request.PartnerEventId, true))
        {
            state.Milestones.Enqueue(request);
        }

        return Task.FromResult(new Shipment { ShipmentId = request.ShipmentId, Milestone = request.Milestone });
    }

    /// <summary>The request rules of FulfillmentService's RecordDispatch, so a contract mismatch fails here too.</summary>
    private static void CheckAsFulfillmentDoes(RecordDispatchRequest request)
    {
        var dispatched = request.Lines.ToDictionary(l => l.LineId, l => l.Quantity);
        var packed = new Dictionary<string, int>();
        var valid = request.DispatchId.Length is > 0 and <= 64 && request.Lines.Count > 0 && dispatched.Count == request.Lines.Count
            && request.Lines.All(l => l.Quantity > 0)
            && request.Packages.All(p => p.Carrier.Length > 0 && p.TrackingNumber.Length > 0 && p.Lines.All(l =>
                dispatched.TryGetValue(l.LineId, out var quantity) && l.Quantity > 0 && (packed[l.LineId] = packed.GetValueOrDefault(l.LineId) + l.Quantity) <= quantity));
        if (!valid)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "refused as FulfillmentService refuses it"));
        }
    }

    public override Task<Shipment> AcknowledgeShipment(AcknowledgeShipmentRequest request, ServerCallContext context)
    {
        state.ThrowIfDown(request.ShipmentId);
        state.Acknowledgments.Enqueue(request);
        return Task.FromResult(new Shipment { ShipmentId = request.ShipmentId, Milestone = Milestone.Acknowledged });
    }
}

public sealed class RecordingInventory(RecordingBackends state) : Inventory.InventoryBase
{
    public override Task<SetOnHandResponse> SetOnHand(SetOnHandRequest request, ServerCallContext context)
    {
        state.ThrowIfDown();
        if (state.RefusedSkus.TryGetValue(request.Sku, out var code))
        {
            throw new RpcException(new Status(StatusCode.NotFound, "no such item"), new Metadata { { "error-code", code } });
        }

        state.Counts.Enqueue(request);
        return Task.FromResult(new SetOnHandResponse { Applied = true, Position = new StockPosition { Sku = request.Sku, LocationId = request.LocationId, OnHand = request.OnHand } });
    }
}
