using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Distribution.Aspire.ServiceDefaults.Telemetry;

/// <summary>
/// The service's own ActivitySource and Meter, named after the application, so business spans and
/// metrics show up next to the framework's in the dashboard without per-service wiring.
/// </summary>
public sealed class ServiceTelemetry : IDisposable
{
    /// <summary>Sources and meters of shared platform libraries (messaging, persistence) start with this.</summary>
    public const string PlatformPrefix = "Distribution.Aspire.";

    public ServiceTelemetry(string serviceName)
    {
        ServiceName = serviceName;
        ActivitySource = new ActivitySource(serviceName);
        Meter = new Meter(serviceName);
    }

    public string ServiceName { get; }

    public ActivitySource ActivitySource { get; }

    public Meter Meter { get; }

    public void Dispose()
    {
        ActivitySource.Dispose();
        Meter.Dispose();
    }
}
