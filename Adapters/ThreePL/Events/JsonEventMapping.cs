using Distribution.Aspire.Adapters.ThreePL.Applying;
using Distribution.Aspire.Adapters.ThreePL.Inbound;
using Distribution.Aspire.Contracts.Fulfillment.V1;
using Google.Protobuf.WellKnownTypes;
using Milestone = Distribution.Aspire.Contracts.Fulfillment.V1.Milestone;

namespace Distribution.Aspire.Adapters.ThreePL.Events;

/// <summary>
/// The one place JSON 3PL events become canonical calls. shipment.shipped → RecordDispatch (packages with
/// carrier and tracking, lines matched to what we ordered); tracking_updated → RecordMilestone by ShipEngine's
/// status_code (<see cref="MilestoneFor"/>); delivered → DELIVERED; exception → EXCEPTION with its kind. The same
/// rules validate at intake (refusal = problem details + quarantine) and map at apply time.
/// </summary>
public static class JsonEventMapping
{
    public const string Source = "3pl-json";

    public static MappingResult Validate(PartnerShipmentEvent e)
    {
        if (string.IsNullOrWhiteSpace(e.Id) || e.Id.Length > 128)
        {
            return MappingResult.Refused(ThreePLReasons.MissingEventId, "id is required (at most 128 characters): it is how a redelivered event is recognised.");
        }

        if (e.Type is null || !PartnerEventTypes.All.Contains(e.Type))
        {
            return MappingResult.Refused(ThreePLReasons.UnknownEventType, $"type must be one of {string.Join(", ", PartnerEventTypes.All)}.");
        }

        if (string.IsNullOrWhiteSpace(e.OrderReference))
        {
            return MappingResult.Refused(ThreePLReasons.InvalidEvent, "order_reference (the reference of the order we sent) is required.");
        }

        if (e.OccurredAt is null && e.Tracking?.Events is not { Count: > 0 })
        {
            return MappingResult.Refused(ThreePLReasons.InvalidEvent, "occurred_at is required.");
        }

        return new MappingResult([]);
    }

    public static MappingResult Map(string partnerId, PartnerShipmentEvent e, ShipmentOrderInfo? order)
    {
        var validation = Validate(e);
        if (!validation.Ok)
        {
            return validation;
        }

        if (order is null)
        {
            return MappingResult.Refused(ThreePLReasons.UnknownOrderReference, $"order_reference '{e.OrderReference}' is not an order we sent you.");
        }

        var shipmentId = order.ShipmentId.ToString();
        var partnerEventId = BoundedIds.Fit($"{partnerId}:{e.Id}", BoundedIds.PartnerEventId);
        var occurredAt = e.OccurredAt ?? e.Tracking!.Events!.Max(t => t.OccurredAt) ?? DateTimeOffset.UtcNow;
        switch (e.Type)
        {
            case PartnerEventTypes.Shipped:
                return Dispatch(partnerId, e, order, occurredAt);

            case PartnerEventTypes.Delivered:
                return RecordMilestone(shipmentId, Milestone.Delivered, e.Tracking?.ActualDeliveryDate ?? occurredAt, partnerEventId, "delivered", ExceptionKind.Unspecified);

            case PartnerEventTypes.Exception:
            {
                var kind = KindFor(e.Exception?.Kind);
                if (kind is null)
                {
                    return MappingResult.Refused(ThreePLReasons.InvalidEvent, "exception.kind must be one of lost, damaged, address_problem, on_hold, other.");
                }

                return RecordMilestone(shipmentId, Milestone.Exception, occurredAt, partnerEventId, Detail(e.Exception?.Description ?? e.Tracking?.ExceptionDescription), kind.Value);
            }

            default:
            {
                if (e.Tracking is not { } tracking || string.IsNullOrWhiteSpace(tracking.StatusCode))
                {
                    return MappingResult.Refused(ThreePLReasons.InvalidEvent, "tracking (ShipEngine tracking information with status_code) is required.");
                }

                if (MilestoneFor(tracking.StatusCode, tracking.CarrierDetailCode) is not { } mapped)
                {
                    return MappingResult.Refused(ThreePLReasons.InvalidEvent, $"tracking.status_code '{tracking.StatusCode}' is not one of un, ac, it, de, ex, at, ny.");
                }

                if (mapped.Milestone == Milestone.Unspecified)
                {
                    // un (unknown) and ny (not yet in the carrier's system) say nothing about the shipment.
                    return new MappingResult([]);
                }

                var at = tracking.Events?.Where(t => t.OccurredAt is not null).Select(t => t.OccurredAt!.Value).DefaultIfEmpty(occurredAt).Max() ?? occurredAt;
                return RecordMilestone(shipmentId, mapped.Milestone, at, partnerEventId, Detail(tracking.StatusDescription ?? tracking.CarrierStatusDescription), mapped.Kind);
            }
        }
    }

    /// <summary>
    /// ShipEngine status codes to canonical milestones: ac (accepted by the carrier) and it → in transit (it with
    /// an out-for-delivery detail code → out for delivery), de → delivered, ex → exception, at (delivery attempted)
    /// → exception "other"; un and ny → none. Null for a code ShipEngine does not define.
    /// </summary>
    public static (Milestone Milestone, ExceptionKind Kind)? MilestoneFor(string statusCode, string? carrierDetailCode) =>
        statusCode.ToLowerInvariant() switch
        {
            "it" when carrierDetailCode is not null && (carrierDetailCode.Equals("OUT_FOR_DELIVERY", StringComparison.OrdinalIgnoreCase) || carrierDetailCode.Equals("OT", StringComparison.OrdinalIgnoreCase))
                => (Milestone.OutForDelivery, ExceptionKind.Unspecified),
            "ac" or "it" => (Milestone.InTransit, ExceptionKind.Unspecified),
            "de" => (Milestone.Delivered, ExceptionKind.Unspecified),
            "ex" => (Milestone.Exception, ExceptionKind.Other),
            "at" => (Milestone.Exception, ExceptionKind.Other),
            "un" or "ny" => (Milestone.Unspecified, ExceptionKind.Unspecified),
            _ => ((Milestone, ExceptionKind)?)null,
        };

    private static ExceptionKind? KindFor(string? kind) => kind switch
    {
        "lost" => ExceptionKind.Lost,
        "damaged" => ExceptionKind.Damaged,
        "address_problem" => ExceptionKind.AddressProblem,
        "on_hold" => ExceptionKind.OnHold,
        "other" or null => ExceptionKind.Other,
        _ => null,
    };

    private static MappingResult Dispatch(string partnerId, PartnerShipmentEvent e, ShipmentOrderInfo order, DateTimeOffset occurredAt)
    {
        if (e.Shipment is not { } shipment)
        {
            return MappingResult.Refused(ThreePLReasons.InvalidEvent, "shipment is required for shipment.shipped.");
        }

        var packages = shipment.Packages is { Count: > 0 }
            ? shipment.Packages
            : [new PackageBody(shipment.CarrierCode, shipment.TrackingNumber, null)];
        if (packages.Any(p => string.IsNullOrWhiteSpace(p.TrackingNumber) || string.IsNullOrWhiteSpace(p.CarrierCode ?? shipment.CarrierCode)))
        {
            return MappingResult.Refused(ThreePLReasons.InvalidEvent, "every package needs tracking_number and carrier_code.");
        }

        var lineBodies = shipment.Lines is { Count: > 0 } ? shipment.Lines : [.. packages.SelectMany(p => p.Lines ?? [])];
        var lines = new Dictionary<string, (OrderedLineInfo Line, int Quantity)>(StringComparer.Ordinal);
        if (lineBodies.Count == 0)
        {
            // No lines given: the whole order left in these packages.
            foreach (var line in order.Lines)
            {
                lines[line.LineId] = (line, line.Quantity);
            }
        }

        foreach (var body in lineBodies)
        {
            if (body.Quantity is not > 0)
            {
                return MappingResult.Refused(ThreePLReasons.InvalidEvent, "every line needs a quantity above zero.");
            }

            var line = order.Match(body.LineId, body.Sku);
            if (line is null)
            {
                return MappingResult.Refused(ThreePLReasons.ItemNotOnOrder, $"Line {body.LineId ?? body.Sku ?? "(unnamed)"} is not on order {order.OrderReference}.");
            }

            var total = (lines.TryGetValue(line.LineId, out var known) ? known.Quantity : 0) + body.Quantity.Value;
            if (total > line.Quantity)
            {
                return MappingResult.Refused(ThreePLReasons.QuantityExceedsOrder, $"Line {line.LineId} ({line.Sku}) ships {total}, more than the {line.Quantity} ordered.");
            }

            lines[line.LineId] = (line, total);
        }

        var request = new RecordDispatchRequest
        {
            ShipmentId = order.ShipmentId.ToString(),
            DispatchId = BoundedIds.Fit($"{partnerId}:{shipment.Id ?? e.Id}", BoundedIds.DispatchId),
            OccurredAt = Timestamp.FromDateTimeOffset(occurredAt),
            Source = Source,
        };
        request.Lines.AddRange(lines.Values.Select(l => new DispatchedLine { LineId = l.Line.LineId, Sku = l.Line.Sku, Quantity = l.Quantity }));
        foreach (var package in packages)
        {
            var proto = new Package { Carrier = package.CarrierCode ?? shipment.CarrierCode!, TrackingNumber = package.TrackingNumber! };
            foreach (var line in package.Lines ?? [])
            {
                if (order.Match(line.LineId, line.Sku) is { } matched)
                {
                    // In a package, quantity is what the package holds (Fulfillment checks it against the dispatch).
                    proto.Lines.Add(new ShipmentLine { LineId = matched.LineId, Sku = matched.Sku, Quantity = line.Quantity ?? 0, ShippedQuantity = line.Quantity ?? 0 });
                }
            }

            request.Packages.Add(proto);
        }

        return new MappingResult([new DispatchCommand(request)]);
    }

    private static MappingResult RecordMilestone(string shipmentId, Milestone milestone, DateTimeOffset occurredAt, string partnerEventId, string detail, ExceptionKind kind) =>
        new([new MilestoneCommand(new RecordMilestoneRequest
        {
            ShipmentId = shipmentId,
            Milestone = milestone,
            OccurredAt = Timestamp.FromDateTimeOffset(occurredAt),
            Source = Source,
            Detail = detail,
            ExceptionKind = kind,
            PartnerEventId = partnerEventId,
        })]);

    private static string Detail(string? text) => string.IsNullOrWhiteSpace(text) ? string.Empty : text.Length > 200 ? text[..200] : text;
}
