using System.Diagnostics;
using System.Diagnostics.Metrics;
using Distribution.Aspire.Gateway.Routing;
using Distribution.Aspire.ServiceDefaults.Correlation;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Gateway.Audit;

/// <summary>
/// One audit record per partner request: a structured log entry (partner, route group, method, status,
/// latency, bytes, correlation id) and metrics tagged by partner and route group. Partners are registered by
/// operators, so the partner tag stays low-cardinality; paths are never recorded.
/// </summary>
public sealed partial class GatewayAudit
{
    public const string LoggerName = "Distribution.Aspire.Gateway.Audit";
    private const string Anonymous = "anonymous";
    private const string Operator = "operator";

    private readonly PartnerErrorLog _errors;
    private readonly ILogger _logger;
    private readonly bool _log;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _requestBytes;
    private readonly Counter<long> _responseBytes;
    private readonly Counter<long> _throttled;

    public GatewayAudit(ServiceTelemetry telemetry, ILoggerFactory loggers, IOptions<GatewayOptions> options, PartnerErrorLog errors)
    {
        _errors = errors;
        _logger = loggers.CreateLogger(LoggerName);
        _log = options.Value.AuditLog;
        _requests = telemetry.Meter.CreateCounter<long>("gateway.partner.requests", "{request}", "Partner requests by partner, route group and status");
        _duration = telemetry.Meter.CreateHistogram<double>("gateway.partner.request.duration", "s", "Time the gateway took to answer a partner request",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _requestBytes = telemetry.Meter.CreateCounter<long>("gateway.partner.request.body.size", "By", "Request body bytes received from partners");
        _responseBytes = telemetry.Meter.CreateCounter<long>("gateway.partner.response.body.size", "By", "Response body bytes sent to partners");
        _throttled = telemetry.Meter.CreateCounter<long>(
            "gateway.partner.throttled", "{request}", "429s given to partners, by partner, channel, route group and reason (rate_limited, quota_exceeded)");
    }

    public void Record(HttpContext context, GatewayRequestFeature request, long started, long responseBytes)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        var partner = request.Partner?.PartnerId ?? (request.Group.Auth == AuthScheme.AdminKey ? Operator : Anonymous);
        var status = context.Response.StatusCode;
        var tags = new TagList
        {
            { "partner", partner },
            { "route_group", request.Group.AuditName },
            { "http.response.status_code", status },
        };
        _requests.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
        _requestBytes.Add(request.RequestBytes, tags);
        _responseBytes.Add(responseBytes, tags);
        if (status == StatusCodes.Status429TooManyRequests && request.Partner is { } throttled)
        {
            _throttled.Add(1, new TagList
            {
                { "partner", throttled.PartnerId },
                { "channel", throttled.Channel },
                { "route_group", request.Group.AuditName },
                { "reason", request.RefusalCode ?? "other" },
            });
        }

        if (status >= 400 && request.Partner is { } known)
        {
            _errors.Record(known.PartnerId, status, request.Group.AuditName, request.RefusalCode, CorrelationContext.Current);
        }

        if (_log)
        {
            PartnerRequest(_logger, partner, request.Group.AuditName, context.Request.Method, status, elapsed.TotalMilliseconds,
                request.RequestBytes, responseBytes, CorrelationContext.Current);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Partner request {PartnerId} {RouteGroup} {Method} -> {StatusCode} in {ElapsedMilliseconds:0.00} ms, {RequestBytes} B in, {ResponseBytes} B out, correlation {CorrelationId}")]
    private static partial void PartnerRequest(
        ILogger logger, string partnerId, string routeGroup, string method, int statusCode, double elapsedMilliseconds, long requestBytes, long responseBytes, string? correlationId);
}
