using Distribution.Aspire.Adapters.ThreePL.Edi;
using Distribution.Aspire.Adapters.ThreePL.Inbound;
using Distribution.Aspire.Contracts.Fulfillment.V1;
using Distribution.Aspire.Contracts.Inventory.V1;
using Google.Protobuf.WellKnownTypes;

namespace Distribution.Aspire.Adapters.ThreePL.Applying;

/// <summary>
/// The one place X12 documents become canonical calls. 945 and 856 → RecordDispatch: the dispatch id is
/// "partner:shipment identification:order reference" (945 W06-04, 856 BSN-02), so a 945 and an 856 about the
/// same physical shipment record one dispatch; packages are the tracking numbers (945 MAN*CP per LX, 856
/// MAN*CP per pack, else REF*CN of the shipment) with the SCAC as carrier. 846 → SetOnHand per item at the
/// partner's location (warehouse code mapped, else its default), counted at DTM*405 or BIA-04/05.
/// </summary>
public static class X12Mapping
{
    public static MappingResult FromShippingAdvice(string partnerId, ShippingAdvice advice, ShipmentOrderInfo order, string fallbackDispatchKey, DateTimeOffset receivedAt)
    {
        var items = advice.Items.Select(i => (Line: order.Match(i.LineId, i.Sku), i.QuantityShipped, i.TrackingNumber)).ToList();
        if (items.Any(i => i.Line is null))
        {
            return MappingResult.Refused(ThreePLReasons.ItemNotOnOrder, $"A W12 item is not on order {order.OrderReference}.");
        }

        var dispatchKey = advice.ShipmentIdentification ?? fallbackDispatchKey;
        var request = Dispatch(partnerId, order, dispatchKey, advice.ShippedAt ?? receivedAt, "edi:945",
            [.. items.Select(i => (i.Line!, i.QuantityShipped, i.TrackingNumber))], advice.CarrierScac, null);
        return new MappingResult([new DispatchCommand(request)]);
    }

    public static MappingResult FromShipNotice(string partnerId, ShipNotice notice, NoticeOrder noticeOrder, ShipmentOrderInfo order, DateTimeOffset receivedAt)
    {
        var items = new List<(OrderedLineInfo Line, int Quantity, string? Tracking)>();
        foreach (var item in noticeOrder.LooseItems)
        {
            items.Add((order.Match(item.LineId, item.Sku, item.ProductIds.Values)!, item.QuantityShipped, null));
        }

        foreach (var pack in noticeOrder.Packs)
        {
            foreach (var item in pack.Items)
            {
                items.Add((order.Match(item.LineId, item.Sku, item.ProductIds.Values)!, item.QuantityShipped, pack.TrackingNumber ?? pack.Marks));
            }
        }

        if (items.Any(i => i.Line is null))
        {
            return MappingResult.Refused(ThreePLReasons.ItemNotOnOrder, $"An 856 item is not on order {order.OrderReference}.");
        }

        var request = Dispatch(partnerId, order, notice.ShipmentIdentification, notice.ShippedAt ?? notice.NoticeDate ?? receivedAt, "edi:856",
            items, notice.CarrierScac, notice.ShipmentTracking.Count > 0 ? notice.ShipmentTracking[0] : null);
        return new MappingResult([new DispatchCommand(request)]);
    }

    public static MappingResult FromInventoryAdvice(string partnerId, PartnerProfile partner, InventoryAdvice advice)
    {
        if (partner.LocationFor(advice.WarehouseCode) is not { } location)
        {
            return MappingResult.Refused(ThreePLReasons.UnknownWarehouse, $"Warehouse '{advice.WarehouseCode}' is not one of partner {partnerId}'s locations.");
        }

        return new MappingResult([.. advice.Items.Select(item => new SetOnHandCommand(new SetOnHandRequest
        {
            Sku = item.Sku,
            LocationId = location,
            OnHand = item.Quantity,
            CountedAt = Timestamp.FromDateTimeOffset(item.CountedAt),
            Reason = "3pl_inventory_advice",
            Reference = $"{partnerId}:846:{advice.Reference}",
        }))]);
    }

    private static RecordDispatchRequest Dispatch(
        string partnerId, ShipmentOrderInfo order, string dispatchKey, DateTimeOffset occurredAt, string source,
        IReadOnlyList<(OrderedLineInfo Line, int Quantity, string? Tracking)> items, string? carrier, string? shipmentTracking)
    {
        var request = new RecordDispatchRequest
        {
            ShipmentId = order.ShipmentId.ToString(),
            DispatchId = BoundedIds.Fit($"{partnerId}:{dispatchKey}:{order.OrderReference}", BoundedIds.DispatchId),
            OccurredAt = Timestamp.FromDateTimeOffset(occurredAt),
            Source = source,
        };
        request.Lines.AddRange(items.GroupBy(i => i.Line.LineId)
            .Select(g => new DispatchedLine { LineId = g.Key, Sku = g.First().Line.Sku, Quantity = g.Sum(i => i.Quantity) }));
        // A package is a carrier and a tracking number; a document that names neither records the lines only.
        foreach (var package in items.GroupBy(i => i.Tracking ?? shipmentTracking ?? string.Empty).Where(p => p.Key.Length > 0 && carrier is { Length: > 0 }))
        {
            var proto = new Package { Carrier = carrier!, TrackingNumber = package.Key };
            proto.Lines.AddRange(package.GroupBy(i => i.Line.LineId).Select(g => new ShipmentLine
            {
                LineId = g.Key,
                Sku = g.First().Line.Sku,
                Quantity = g.Sum(i => i.Quantity),
                ShippedQuantity = g.Sum(i => i.Quantity),
            }));
            request.Packages.Add(proto);
        }

        return request;
    }
}
