using Distribution.Aspire.ServiceDefaults.Telemetry;
using Distribution.Aspire.SettlementService.Reconciliation;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Distribution.Aspire.SettlementService.Tests;

/// <summary>Open reconciliation mismatches as sampled gauges, per channel and result.</summary>
public sealed class MismatchGaugeTests(SettlementHost host) : IClassFixture<SettlementHost>
{
    [Fact]
    public async Task Open_mismatches_are_sampled_per_channel_and_result_and_settled_ones_are_not()
    {
        var channel = $"mm{Guid.NewGuid():N}"[..12];
        await SettlementAsync(channel, "mismatch", TimeSpan.FromHours(3), "matched", "amount_mismatch", "amount_mismatch", "missing_order");
        await SettlementAsync(channel, "posted", TimeSpan.FromHours(30), "amount_mismatch");
        using var measurements = RecordedMeasurements.Of(host.App.App.Services.GetRequiredService<ServiceTelemetry>().Meter);

        await host.App.App.Services.GetRequiredService<MismatchSampler>().SampleAsync(CancellationToken.None);

        var open = measurements.Observe("settlements.mismatches.open", ("channel", channel));
        Assert.Equal([("amount_mismatch", 2.0), ("missing_order", 1.0)], open.Select(m => (m.Tag("result")!, m.Value)).Order());
        var age = Assert.Single(measurements.Observe("settlements.mismatches.oldest_age", ("channel", channel)));
        // The rows were aged by the database's clock and sampled by the process's: allow a minute between them.
        Assert.InRange(age.Value, (3 * 3600) - 60, 4 * 3600);
    }

    private async Task SettlementAsync(string channel, string status, TimeSpan age, params string[] results)
    {
        var id = Guid.NewGuid();
        await using var connection = await host.Database.OpenConnectionAsync();
        await using var batch = connection.CreateBatch();
        var insert = batch.CreateBatchCommand();
        insert.CommandText = """
            INSERT INTO settlements (settlement_id, channel, partner_id, external_id, period_start, period_end, currency, total_amount, lines_total, line_count,
                                     header_total_mismatch, status, content_hash, reconciled_at)
            VALUES ($1, $2, 'p', $3, now(), now(), 'USD', 0, 0, 0, false, $4, '\x00', now() - $5)
            """;
        insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = id });
        insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = channel });
        insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = id.ToString() });
        insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = status });
        insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = age });
        batch.BatchCommands.Add(insert);
        for (var i = 0; i < results.Length; i++)
        {
            var result = batch.CreateBatchCommand();
            result.CommandText = "INSERT INTO reconciliation_results (settlement_id, result_number, order_reference, result, reason, line_numbers) VALUES ($1, $2, $3, $4, 'test', '{}')";
            result.Parameters.Add(new Npgsql.NpgsqlParameter { Value = id });
            result.Parameters.Add(new Npgsql.NpgsqlParameter { Value = i + 1 });
            result.Parameters.Add(new Npgsql.NpgsqlParameter { Value = $"ORD-{i}" });
            result.Parameters.Add(new Npgsql.NpgsqlParameter { Value = results[i] });
            batch.BatchCommands.Add(result);
        }

        await batch.ExecuteNonQueryAsync();
    }
}
