using System.Diagnostics;
using System.Diagnostics.Metrics;
using Distribution.Aspire.Messaging.CloudEvents;
using Distribution.Aspire.ServiceDefaults.Telemetry;

namespace Distribution.Aspire.Messaging;

/// <summary>Spans and metrics of the event backbone, tagged by topic and event type (never by event id).</summary>
public sealed class MessagingTelemetry : IDisposable
{
    public const string Name = ServiceTelemetry.PlatformPrefix + "Messaging";

    private readonly Meter _meter = new(Name);

    public MessagingTelemetry()
    {
        Published = _meter.CreateCounter<long>("messaging.events.published", description: "Events written to the outbox");
        Relayed = _meter.CreateCounter<long>("messaging.events.relayed", description: "Events handed from the outbox to the transport");
        Handled = _meter.CreateCounter<long>("messaging.events.handled", description: "Deliveries by outcome (handled, duplicate, failed, dead_lettered, poison)");
        Latency = _meter.CreateHistogram<double>("messaging.events.latency", unit: "ms", description: "From publish (event time) to handler committed");
        RelayFailures = _meter.CreateCounter<long>("messaging.relay.failures", description: "Relay batches the transport refused; they are retried");
        BatchRetries = _meter.CreateCounter<long>("messaging.consumer.batch_retries", description: "Consumer batches run again after a deadlock or serialization failure");
        DeadLettersPending = new(_meter, "messaging.dead_letters.pending", "{event}", "Dead letters waiting for an operator, by service and topic (sampled)");
        DeadLettersOldestAge = new(_meter, "messaging.dead_letters.oldest_age", "s", "Age of the oldest pending dead letter, by service and topic (sampled)");
    }

    public ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>This service's instance of the meter, for listeners that must not hear other services in the same process.</summary>
    public Meter Meter => _meter;

    public Counter<long> Published { get; }

    public Counter<long> Relayed { get; }

    public Counter<long> Handled { get; }

    public Histogram<double> Latency { get; }

    public Counter<long> RelayFailures { get; }

    public Counter<long> BatchRetries { get; }

    public SampledGauge<long> DeadLettersPending { get; }

    public SampledGauge<double> DeadLettersOldestAge { get; }

    /// <summary>A consumer span whose parent is the producer's span, so one trace runs from publisher to handler.</summary>
    public Activity? StartProcess(CloudEvent envelope, string subscription)
    {
        ActivityContext.TryParse(envelope.TraceParent, envelope.TraceState, out var parent);
        var activity = ActivitySource.StartActivity($"process {envelope.Type}", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", "distribution");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.message.id", envelope.Id);
        activity?.SetTag("messaging.consumer.group.name", subscription);
        activity?.SetTag("cloudevents.event_type", envelope.Type);
        return activity;
    }

    public void Dispose()
    {
        ActivitySource.Dispose();
        _meter.Dispose();
    }
}
