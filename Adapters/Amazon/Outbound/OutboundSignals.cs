using Distribution.Aspire.ServiceDefaults.Hosting;

namespace Distribution.Aspire.Adapters.Amazon.Outbound;

/// <summary>Wakes the quantity sender when a SKU's quantity was queued.</summary>
public sealed class QuantitySignal : WorkSignal;

/// <summary>Wakes the shipment sender when a confirmation was queued.</summary>
public sealed class ShipmentSignal : WorkSignal;
