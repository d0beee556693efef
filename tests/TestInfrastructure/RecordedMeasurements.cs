using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Distribution.Aspire.TestInfrastructure;

/// <summary>One measurement as a test sees it: instrument, value (as double) and tags.</summary>
public sealed record RecordedMeasurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public string? Tag(string name) => Tags.GetValueOrDefault(name)?.ToString();
}

/// <summary>
/// Listens to every instrument of one meter (a host's <c>ServiceTelemetry.Meter</c>, or a platform meter by name),
/// or to the instruments named with a prefix, and keeps what they record; <see cref="Observe"/> reads the observable gauges once.
/// </summary>
public sealed class RecordedMeasurements : IDisposable
{
    private readonly MeterListener _listener = new();

    public RecordedMeasurements(Func<Meter, bool> meters)
        : this((Instrument instrument) => meters(instrument.Meter))
    {
    }

    private RecordedMeasurements(Func<Instrument, bool> instruments)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instruments(instrument))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    public ConcurrentQueue<RecordedMeasurement> All { get; } = new();

    public static RecordedMeasurements Of(Meter meter) => new((Meter m) => m == meter);

    /// <summary>Every instrument, of any meter, whose name starts with <paramref name="prefix"/>.</summary>
    public static RecordedMeasurements Named(string prefix) => new((Instrument i) => i.Name.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Reads every observable instrument now.</summary>
    public void ObserveAll() => _listener.RecordObservableInstruments();

    public IReadOnlyList<RecordedMeasurement> Where(string instrument, params (string Tag, string Value)[] tags) =>
        [.. All.Where(m => m.Instrument == instrument && tags.All(t => m.Tag(t.Tag) == t.Value))];

    public double Sum(string instrument, params (string Tag, string Value)[] tags) => Where(instrument, tags).Sum(m => m.Value);

    /// <summary>Reads every observable instrument now, and returns what <paramref name="instrument"/> reported (one per tag set).</summary>
    public IReadOnlyList<RecordedMeasurement> Observe(string instrument, params (string Tag, string Value)[] tags)
    {
        var before = All.Count;
        _listener.RecordObservableInstruments();
        return [.. All.Skip(before).Where(m => m.Instrument == instrument && tags.All(t => m.Tag(t.Tag) == t.Value))];
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        All.Enqueue(new RecordedMeasurement(instrument.Name, value, copy));
    }
}
