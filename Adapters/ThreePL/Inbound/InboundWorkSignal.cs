using Distribution.Aspire.ServiceDefaults.Hosting;

namespace Distribution.Aspire.Adapters.ThreePL.Inbound;

/// <summary>The applier's wake-up, when a document was stored.</summary>
public sealed class InboundWorkSignal : WorkSignal;
