using Distribution.Aspire.FulfillmentService.Domain;
using Distribution.Aspire.FulfillmentService.Exceptions;
using Distribution.Aspire.FulfillmentService.Returns;
using Distribution.Aspire.FulfillmentService.Shipments;
using Google.Protobuf.WellKnownTypes;
using Proto = Distribution.Aspire.Contracts.Fulfillment.V1;

namespace Distribution.Aspire.FulfillmentService.Api.Grpc;

/// <summary>Mapping between the fulfillment.v1 messages and the service's own types; no rules live here.</summary>
public static class FulfillmentMessages
{
    private static readonly Dictionary<Milestone, Proto.Milestone> MilestoneMap = new()
    {
        [Milestone.Requested] = Proto.Milestone.Requested,
        [Milestone.Acknowledged] = Proto.Milestone.Acknowledged,
        [Milestone.Picked] = Proto.Milestone.Picked,
        [Milestone.Packed] = Proto.Milestone.Packed,
        [Milestone.Shipped] = Proto.Milestone.Shipped,
        [Milestone.InTransit] = Proto.Milestone.InTransit,
        [Milestone.OutForDelivery] = Proto.Milestone.OutForDelivery,
        [Milestone.Delivered] = Proto.Milestone.Delivered,
        [Milestone.Exception] = Proto.Milestone.Exception,
        [Milestone.Cancelled] = Proto.Milestone.Cancelled,
    };

    private static readonly Dictionary<Proto.Milestone, Milestone> MilestoneBack = MilestoneMap.ToDictionary(p => p.Value, p => p.Key);

    private static readonly Dictionary<ExceptionKind, Proto.ExceptionKind> KindMap = new()
    {
        [ExceptionKind.Lost] = Proto.ExceptionKind.Lost,
        [ExceptionKind.Damaged] = Proto.ExceptionKind.Damaged,
        [ExceptionKind.AddressProblem] = Proto.ExceptionKind.AddressProblem,
        [ExceptionKind.OnHold] = Proto.ExceptionKind.OnHold,
        [ExceptionKind.Other] = Proto.ExceptionKind.Other,
    };

    private static readonly Dictionary<Proto.ExceptionKind, ExceptionKind> KindBack = KindMap.ToDictionary(p => p.Value, p => p.Key);

    public static Proto.Shipment ToMessage(Shipment shipment)
    {
        var message = new Proto.Shipment
        {
            ShipmentId = shipment.ShipmentId.ToString(),
            OrderId = shipment.OrderId.ToString(),
            LocationId = shipment.LocationId,
            NodeKind = shipment.NodeKind,
            PartnerId = shipment.NodePartnerId ?? string.Empty,
            Channel = shipment.Channel,
            Milestone = MilestoneMap[shipment.Milestone],
            CreatedAt = Timestamp.FromDateTimeOffset(shipment.CreatedAt),
            UpdatedAt = Timestamp.FromDateTimeOffset(shipment.UpdatedAt),
        };
        message.Lines.AddRange(shipment.Lines.Select(l => new Proto.ShipmentLine
        {
            LineId = l.LineId, Sku = l.Sku, Quantity = l.Quantity, ShippedQuantity = l.ShippedQuantity,
        }));
        foreach (var package in shipment.Packages)
        {
            var p = new Proto.Package { Carrier = package.Carrier, TrackingNumber = package.TrackingNumber };
            p.Lines.AddRange(package.Lines.Select(l => new Proto.ShipmentLine { LineId = l.LineId, Sku = l.Sku, Quantity = l.Quantity, ShippedQuantity = l.Quantity }));
            message.Packages.Add(p);
        }

        message.History.AddRange(shipment.History.Select(h => new Proto.MilestoneEntry
        {
            Milestone = MilestoneMap[h.Milestone],
            OccurredAt = Timestamp.FromDateTimeOffset(h.OccurredAt),
            RecordedAt = Timestamp.FromDateTimeOffset(h.RecordedAt),
            Source = h.Source,
            Detail = h.Detail ?? string.Empty,
            Applied = h.Applied,
        }));
        return message;
    }

    public static Proto.FulfillmentException ToMessage(FulfillmentIssue issue, DateTimeOffset now) => new()
    {
        ExceptionId = issue.ExceptionId.ToString(),
        ShipmentId = issue.ShipmentId.ToString(),
        OrderId = issue.OrderId.ToString(),
        Kind = KindMap[issue.Kind],
        Detail = issue.Detail,
        Rank = issue.Rank,
        RaisedAt = Timestamp.FromDateTimeOffset(issue.RaisedAt),
        DueAt = Timestamp.FromDateTimeOffset(issue.DueAt),
        Resolved = issue.Resolved,
        Resolution = issue.Resolution ?? string.Empty,
        Overdue = issue.IsOverdue(now),
    };

    public static Proto.Return ToMessage(CustomerReturn value)
    {
        var message = new Proto.Return
        {
            ReturnId = value.ReturnId.ToString(),
            OrderId = value.OrderId.ToString(),
            Status = value.Status,
            LocationId = value.LocationId ?? string.Empty,
            AuthorizedAt = Timestamp.FromDateTimeOffset(value.AuthorizedAt),
            ReceivedAt = value.ReceivedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
            Reference = value.Reference,
            RefundAmount = value.RefundAmount is { } refund ? Contracts.MoneyAmount.Format(refund) : string.Empty,
            Currency = value.Currency ?? string.Empty,
        };
        message.Lines.AddRange(value.Lines.Select(l => new Proto.ReturnLine
        {
            LineId = l.LineId,
            Sku = l.Sku,
            Quantity = l.Quantity,
            Disposition = l.Disposition switch
            {
                Disposition.Restock => Proto.Disposition.Restock,
                Disposition.Damaged => Proto.Disposition.Damaged,
                _ => Proto.Disposition.Unspecified,
            },
        }));
        return message;
    }

    public static MilestoneReport ToReport(Proto.RecordMilestoneRequest request) => new(
        ShipmentId(request.ShipmentId),
        MilestoneBack.TryGetValue(request.Milestone, out var milestone) ? milestone : null,
        Instant(request.OccurredAt, "occurredAt", FulfillmentCodes.InvalidOccurredAt),
        request.Source,
        request.Detail,
        KindBack.TryGetValue(request.ExceptionKind, out var kind) ? kind : null,
        request.PartnerEventId);

    public static MilestoneReport ToReport(Proto.AcknowledgeShipmentRequest request) => new(
        ShipmentId(request.ShipmentId),
        Milestone.Acknowledged,
        Instant(request.OccurredAt, "occurredAt", FulfillmentCodes.InvalidOccurredAt),
        request.Source,
        null,
        null,
        null);

    public static DispatchReport ToReport(Proto.RecordDispatchRequest request) => new(
        ShipmentId(request.ShipmentId),
        request.DispatchId,
        request.Lines.Select(l => new DispatchLineInput(l.LineId, l.Sku, l.Quantity)).ToList(),
        request.Packages.Select(p => new PackageInput(
            p.Carrier, p.TrackingNumber, p.Lines.Select(l => new DispatchLineInput(l.LineId, l.Sku, l.Quantity)).ToList())).ToList(),
        Instant(request.OccurredAt, "occurredAt", FulfillmentCodes.InvalidOccurredAt),
        request.Source);

    public static ShipmentFilter ToFilter(Proto.ListShipmentsRequest request)
    {
        var milestones = new List<Milestone>();
        foreach (var milestone in request.Milestones)
        {
            milestones.Add(MilestoneBack.TryGetValue(milestone, out var known)
                ? known
                : throw FulfillmentRejectedException.Invalid(FulfillmentCodes.InvalidFilter, $"Unknown milestone {milestone}.", "milestones"));
        }

        Guid? orderId = null;
        if (!string.IsNullOrEmpty(request.OrderId))
        {
            orderId = Guid.TryParse(request.OrderId, out var id)
                ? id
                : throw FulfillmentRejectedException.Invalid(FulfillmentCodes.InvalidFilter, "orderId is not an order id.", "orderId");
        }

        var location = TextRules.Optional(request.LocationId, "locationId", FulfillmentLimits.MaxIdLength);
        return new ShipmentFilter(orderId, location, milestones, request.PageSize, Optional(request.PageToken));
    }

    public static AuthorizeReturnInput ToInput(Proto.AuthorizeReturnRequest request) => new(
        Guid.TryParse(request.OrderId, out var id) ? id : throw FulfillmentRejectedException.NotFound(FulfillmentCodes.OrderNotFound, $"No order {request.OrderId}."),
        request.Reference,
        request.Lines.Select(ToInput).ToList(),
        request.Reason);

    public static ReceiveReturnInput ToInput(Proto.ReceiveReturnRequest request) => new(
        Guid.TryParse(request.ReturnId, out var id) ? id : throw FulfillmentRejectedException.NotFound(FulfillmentCodes.ReturnNotFound, $"No return {request.ReturnId}."),
        request.LocationId,
        request.Lines.Select(ToInput).ToList(),
        Instant(request.ReceivedAt, "receivedAt", FulfillmentCodes.InvalidReceivedAt));

    public static Guid ShipmentId(string shipmentId) =>
        Guid.TryParse(shipmentId, out var id) ? id : throw FulfillmentRejectedException.NotFound(FulfillmentCodes.ShipmentNotFound, $"No shipment {shipmentId}.");

    public static Guid ExceptionId(string exceptionId) =>
        Guid.TryParse(exceptionId, out var id) ? id : throw FulfillmentRejectedException.NotFound(FulfillmentCodes.ExceptionNotFound, $"No exception {exceptionId}.");

    public static string? Optional(string value) => string.IsNullOrEmpty(value) ? null : value;

    private static ReturnLineInput ToInput(Proto.ReturnLine line) => new(
        line.LineId,
        line.Sku,
        line.Quantity,
        line.Disposition switch
        {
            Proto.Disposition.Restock => Disposition.Restock,
            Proto.Disposition.Damaged => Disposition.Damaged,
            _ => null,
        });

    private static DateTimeOffset? Instant(Timestamp? timestamp, string field, string code)
    {
        try
        {
            return timestamp?.ToDateTimeOffset();
        }
        catch (InvalidOperationException)
        {
            throw FulfillmentRejectedException.Invalid(code, $"{field} is not a valid timestamp.", field);
        }
    }
}
