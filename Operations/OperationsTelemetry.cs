using System.Diagnostics;
using System.Diagnostics.Metrics;
using Distribution.Aspire.ServiceDefaults.Telemetry;

namespace Distribution.Aspire.Operations;

/// <summary>
/// Spans and counters for what operators do and what the console could not read. Tags are low-cardinality:
/// action, service (a backend name), outcome; dead letter ids go on spans only.
/// </summary>
public sealed class OperationsTelemetry
{
    private readonly ActivitySource _source;
    private readonly Counter<long> _actions;
    private readonly Counter<long> _signIns;
    private readonly Counter<long> _unreachable;

    public OperationsTelemetry(ServiceTelemetry telemetry)
    {
        _source = telemetry.ActivitySource;
        _actions = telemetry.Meter.CreateCounter<long>("operations.actions", "{action}", "Operator actions (replay, discard) by service and outcome");
        _signIns = telemetry.Meter.CreateCounter<long>("operations.signins", "{attempt}", "Sign-in attempts by outcome");
        _unreachable = telemetry.Meter.CreateCounter<long>("operations.sources.unreachable", "{read}", "Reads of a service's operator data that failed, by service");
    }

    public Activity? StartAction(string action, string service)
    {
        var activity = _source.StartActivity($"operations.{action}");
        activity?.SetTag("operations.action", action);
        activity?.SetTag("operations.service", service);
        return activity;
    }

    public Activity? StartRead(string what) => _source.StartActivity($"operations.read.{what}");

    public void ActionDone(Activity? activity, string action, string service, string outcome)
    {
        activity?.SetTag("operations.outcome", outcome);
        if (outcome != "done")
        {
            activity?.SetStatus(ActivityStatusCode.Error, outcome);
        }

        _actions.Add(1, new TagList { { "action", action }, { "service", service }, { "outcome", outcome } });
    }

    public void SignIn(bool succeeded) => _signIns.Add(1, new KeyValuePair<string, object?>("outcome", succeeded ? "accepted" : "refused"));

    public void Unreachable(string service) => _unreachable.Add(1, new KeyValuePair<string, object?>("service", service));
}
