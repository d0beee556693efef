using Distribution.Aspire.ServiceDefaults.Hosting;

namespace Distribution.Aspire.Adapters.Shopify;

/// <summary>Wakes the webhook processor when a delivery was stored.</summary>
public sealed class WebhookSignal : WorkSignal;

/// <summary>Wakes the outbound worker when a command to Shopify was queued.</summary>
public sealed class OutboundSignal : WorkSignal;
