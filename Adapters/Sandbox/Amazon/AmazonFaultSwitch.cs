using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Sandbox.Amazon;

/// <summary>The faults in force: from configuration at start, replaceable through <c>PUT /sandbox/amazon/faults</c>.</summary>
public sealed class AmazonFaultSwitch(IOptions<AmazonSandboxOptions> options)
{
    private readonly Lock _gate = new();
    private AmazonFaults _current = options.Value.Faults;
    private int _throttleLeft = options.Value.Faults.ThrottleNextRequests;

    public AmazonFaults Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public void Set(AmazonFaults faults)
    {
        lock (_gate)
        {
            _current = faults;
            _throttleLeft = faults.ThrottleNextRequests;
        }
    }

    /// <summary>True while a configured throttling burst lasts.</summary>
    public bool TakeThrottle()
    {
        lock (_gate)
        {
            if (_throttleLeft <= 0)
            {
                return false;
            }

            _throttleLeft--;
            return true;
        }
    }
}
