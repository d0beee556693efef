using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Distribution.Aspire.ServiceDefaults.Telemetry;

/// <summary>Circuit states as <c>adapter.circuit.state</c> reports them.</summary>
public enum CircuitState
{
    Closed = 0,
    HalfOpen = 1,
    Open = 2,
}

/// <summary>
/// The metrics every channel/partner adapter shares (docs/telemetry.md), on the adapter's own meter: its outbound
/// queue (sampled), its circuit to each partner, 429s the partner gave us, and how fresh the channel's quantities are.
/// </summary>
public sealed class AdapterMetrics
{
    private readonly ConcurrentDictionary<(string Partner, string Channel), CircuitState> _circuits = new();
    private readonly ConcurrentDictionary<(string Partner, string Channel), bool> _paused = new();

    public AdapterMetrics(ServiceTelemetry telemetry)
    {
        var meter = telemetry.Meter;
        OutboundDepth = new(meter, "adapter.outbound.depth", "{message}", "Messages waiting in the adapter's outbound queue, by partner, channel and kind (sampled)");
        OutboundOldestAge = new(meter, "adapter.outbound.oldest_age", "s", "Age of the oldest message waiting in the outbound queue, by partner, channel and kind (sampled)");
        ThrottledReceived = meter.CreateCounter<long>("adapter.throttled.received", "{response}", "429s the partner's API answered us, by partner, channel and operation");
        SyncFreshness = meter.CreateHistogram<double>(
            "channel.sync.freshness", "s", "From an availability change (inventory's as-of) to the channel acknowledging the quantity, by partner and channel");
        meter.CreateObservableGauge(
            "adapter.circuit.state",
            () => _circuits.Keys.Union(_paused.Keys).Select(key => new Measurement<int>(
                (int)Circuit(key.Partner, key.Channel), new KeyValuePair<string, object?>("partner", key.Partner), new KeyValuePair<string, object?>("channel", key.Channel))),
            "{state}",
            "The adapter's circuit to a partner: 0 closed, 1 half-open, 2 open (or, for queue back-off, paused)");
    }

    public SampledGauge<long> OutboundDepth { get; }

    public SampledGauge<double> OutboundOldestAge { get; }

    public Counter<long> ThrottledReceived { get; }

    public Histogram<double> SyncFreshness { get; }

    public void SetCircuit(string partner, string channel, CircuitState state) => _circuits[(partner, channel)] = state;

    /// <summary>
    /// A durable queue waiting out its back-off after failed sends is as good as an open circuit for the partner, even
    /// when the in-process breaker has closed again (or the adapter has none); samplers report it here.
    /// </summary>
    public void SetPaused(string partner, string channel, bool paused) => _paused[(partner, channel)] = paused;

    /// <summary>The breaker's state, or open while the queue is paused.</summary>
    public CircuitState Circuit(string partner, string channel) =>
        _paused.GetValueOrDefault((partner, channel)) ? CircuitState.Open : _circuits.GetValueOrDefault((partner, channel));

    public void CountThrottled(string partner, string channel, string operation) =>
        ThrottledReceived.Add(1, new("partner", partner), new("channel", channel), new("operation", operation));

    public void RecordFreshness(string partner, string channel, TimeSpan freshness) =>
        SyncFreshness.Record(Math.Max(0, freshness.TotalSeconds), new("partner", partner), new("channel", channel));

    /// <summary>
    /// Reports a Polly circuit breaker's transitions as <c>adapter.circuit.state</c>. <paramref name="partnerOf"/> names the
    /// partner of the request that moved it (one circuit per partner host), or null to use <paramref name="partner"/>.
    /// </summary>
    public HttpCircuitBreakerStrategyOptions Track(HttpCircuitBreakerStrategyOptions options, string partner, string channel, Func<HttpRequestMessage?, string?>? partnerOf = null)
    {
        string Partner(ResilienceContext context) =>
            partnerOf?.Invoke(context.GetRequestMessage()) ?? partner;
        if (partnerOf is null)
        {
            SetCircuit(partner, channel, CircuitState.Closed);
        }

        options.OnOpened = args =>
        {
            SetCircuit(Partner(args.Context), channel, CircuitState.Open);
            return ValueTask.CompletedTask;
        };
        options.OnHalfOpened = args =>
        {
            SetCircuit(Partner(args.Context), channel, CircuitState.HalfOpen);
            return ValueTask.CompletedTask;
        };
        options.OnClosed = args =>
        {
            SetCircuit(Partner(args.Context), channel, CircuitState.Closed);
            return ValueTask.CompletedTask;
        };
        return options;
    }
}
