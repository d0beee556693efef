using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Distribution.Aspire.Adapters.ThreePL.Outbound;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Distribution.Aspire.Adapters.ThreePL.Tests;

/// <summary>The outbound queue per 3PL as gauges, a partner in back-off shown paused, and an old backlog as an SLA breach.</summary>
public sealed class OutboundGaugeTests(TestServers servers)
{
    [Fact]
    public async Task A_backlog_older_than_the_partners_SLA_is_sampled_shown_paused_and_raised_once_per_hour()
    {
        await using var host = await ThreePLHost.StartAsync(servers, adapter: new Dictionary<string, string?>
        {
            [$"Sla:Partners:{ThreePLHost.X12Partner}:OutboundAgeMinutes"] = "20",
            ["Telemetry:SampleSeconds"] = "3600",
        });
        using var measurements = RecordedMeasurements.Of(host.Adapter.Services.GetRequiredService<ServiceTelemetry>().Meter);
        // Two orders waiting out a back-off after failed sends (the sender leaves them alone for the hour).
        await using (var command = host.Database.CreateCommand(
            """
            INSERT INTO outbound_messages (partner_id, shipment_id, kind, format, body, attempts, next_attempt_at, last_error, created_at)
            VALUES (@partner, gen_random_uuid(), 'order', 'json', '{}', 3, now() + interval '1 hour', 'connection refused', now() - interval '45 minutes'),
                   (@partner, gen_random_uuid(), 'order', 'json', '{}', 1, now() + interval '1 hour', 'connection refused', now() - interval '5 minutes')
            """))
        {
            command.Parameters.AddWithValue("partner", ThreePLHost.X12Partner);
            await command.ExecuteNonQueryAsync();
        }

        var sampler = host.Adapter.Services.GetRequiredService<ThreePLOutboundSampler>();
        await sampler.SampleAsync(CancellationToken.None);
        await sampler.SampleAsync(CancellationToken.None);

        var depth = Assert.Single(measurements.Observe("adapter.outbound.depth", ("partner", ThreePLHost.X12Partner)));
        Assert.Equal((2, "order", "3pl"), (depth.Value, depth.Tag("kind"), depth.Tag("channel")));
        var age = Assert.Single(measurements.Observe("adapter.outbound.oldest_age", ("partner", ThreePLHost.X12Partner)));
        Assert.InRange(age.Value, 45 * 60, 50 * 60);
        Assert.Equal((double)CircuitState.Open, Assert.Single(measurements.Observe("adapter.circuit.state", ("partner", ThreePLHost.X12Partner))).Value);
        Assert.Equal(1, measurements.Sum("sla.breaches", ("partner", ThreePLHost.X12Partner), ("sla", "outbound_age")));
        using var admin = host.AdminClient();
        var list = await admin.GetFromJsonAsync<JsonObject>("/admin/sla-breaches?sla=outbound_age");
        var breach = Assert.Single(list!["breaches"]!.AsArray());
        Assert.Equal((ThreePLHost.X12Partner, "3pl", 1200.0), (breach!["partnerId"]!.GetValue<string>(), breach["channel"]!.GetValue<string>(), breach["thresholdSeconds"]!.GetValue<double>()));
    }
}
