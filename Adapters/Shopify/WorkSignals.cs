using Distribution.Aspire.ServiceDefaults.Hosting;

namespace Distribution.Aspire.Adapters.Shopify;

/// <summary>Wakes the webhook processor when a delivery was stored.</summary>
public sealed class WebhookSignal : WorkSignal;

/// <summary>Wakes the outbound worker's lanes: <see cref="Quantities"/> for stock levels, <see cref="Calls"/> for fulfillments and the rest.</summary>
public sealed class OutboundSignal : IDisposable
{
    public WorkSignal Quantities { get; } = new Lane();

    public WorkSignal Calls { get; } = new Lane();

    /// <summary>Wakes both lanes, for a change that may concern either.</summary>
    public void Notify()
    {
        Quantities.Notify();
        Calls.Notify();
    }

    public void Dispose()
    {
        Quantities.Dispose();
        Calls.Dispose();
    }

    private sealed class Lane : WorkSignal;
}
