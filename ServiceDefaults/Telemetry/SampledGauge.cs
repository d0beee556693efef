using System.Diagnostics.Metrics;

namespace Distribution.Aspire.ServiceDefaults.Telemetry;

/// <summary>
/// An observable gauge whose values a background sampler (<see cref="IGaugeSampler"/>) refreshes: the
/// exporter's callback only reads the last snapshot, so a metrics scrape never queries the database.
/// A tag combination missing from the latest snapshot is simply not reported (the series ends).
/// </summary>
public sealed class SampledGauge<T> where T : struct
{
    private Measurement<T>[] _values = [];

    public SampledGauge(Meter meter, string name, string? unit, string description) =>
        meter.CreateObservableGauge(name, () => Volatile.Read(ref _values), unit, description);

    public void Set(IEnumerable<Measurement<T>> values) => Volatile.Write(ref _values, [.. values]);
}
