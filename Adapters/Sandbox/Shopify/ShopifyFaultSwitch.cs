using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Sandbox.Shopify;

/// <summary>The faults in force: from configuration (reloaded when it changes) until replaced at run time.</summary>
public sealed class ShopifyFaultSwitch
{
    private volatile ShopifyFaults _current;

    public ShopifyFaultSwitch(IOptionsMonitor<ShopifySandboxOptions> options)
    {
        _current = options.CurrentValue.Faults;
        options.OnChange(changed => _current = changed.Faults);
    }

    public ShopifyFaults Current => _current;

    public void Set(ShopifyFaults faults) => _current = faults;
}
