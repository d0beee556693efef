using System.Diagnostics.Metrics;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Configuration;

namespace Distribution.Aspire.ServiceDefaults.Sla;

/// <summary>
/// Per-partner service-level thresholds, <c>Sla:Partners:&lt;partnerId&gt;:&lt;setting&gt;</c>, each falling back to
/// <c>Sla:Partners:default:&lt;setting&gt;</c> and then to a built-in default (docs/telemetry.md). Read on every check,
/// so a configuration reload applies at once. Raising the breach (<see cref="SlaBreachStore"/>) is the measuring
/// service's job, because it owns the record the breach is about; each one raised counts <c>sla.breaches{partner,channel,sla}</c>.
/// </summary>
public sealed class SlaPolicy
{
    public const string Section = "Sla:Partners";
    public const string DefaultPartner = "default";

    private readonly IConfiguration _configuration;
    private readonly Counter<long> _breaches;

    public SlaPolicy(IConfiguration configuration, ServiceTelemetry telemetry)
    {
        _configuration = configuration;
        _breaches = telemetry.Meter.CreateCounter<long>("sla.breaches", "{breach}", "Measured values past their partner's SLA threshold, by partner, channel and sla");
    }

    public TimeSpan Threshold(string partnerId, SlaKind kind)
    {
        var setting = kind.Setting();
        var value = _configuration.GetValue<double?>($"{Section}:{partnerId}:{setting}")
            ?? _configuration.GetValue<double?>($"{Section}:{DefaultPartner}:{setting}");
        return value is { } configured ? kind.FromSetting(configured) : kind.BuiltInDefault();
    }

    /// <summary>
    /// The subject of a breach about a partner rather than one record (sync freshness, outbound age): one per partner
    /// and hour, so a lasting outage raises one breach an hour, not one per sample.
    /// </summary>
    public static string Window(string partnerId, DateTimeOffset at) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{partnerId}@{at.UtcDateTime:yyyy-MM-ddTHH}");

    /// <summary>The breach record for <see cref="SlaBreachStore"/>, with this partner's threshold.</summary>
    public SlaBreach Breach(SlaKind kind, string subject, string partnerId, string channel, TimeSpan measured, DateTimeOffset at, Guid? orderId = null, string? reference = null) =>
        new(Guid.CreateVersion7(at), kind.Tag(), subject, partnerId, channel, orderId, reference, measured.TotalSeconds, Threshold(partnerId, kind).TotalSeconds, at);

    public bool IsBreached(string partnerId, SlaKind kind, TimeSpan measured) => measured > Threshold(partnerId, kind);

    /// <summary>
    /// Counts a breach once it is on the list (<see cref="SlaBreachStore"/> answered true), so the counter and the
    /// operators' list agree: once per order or shipment, once per partner and hour for the partner-wide SLAs.
    /// </summary>
    public void Count(string partnerId, string channel, SlaKind kind) =>
        _breaches.Add(1, new("partner", partnerId), new("channel", channel), new("sla", kind.Tag()));
}
