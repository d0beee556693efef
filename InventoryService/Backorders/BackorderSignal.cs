using Distribution.Aspire.ServiceDefaults.Hosting;

namespace Distribution.Aspire.InventoryService.Backorders;

/// <summary>Wakes this process's backorder filler when a change here may have freed stock for waiting orders.</summary>
public sealed class BackorderSignal : WorkSignal;
