using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.ThreePL.Tests;

/// <summary>The adapter stopped and started again over the same database: stored work resumes, nothing is lost or doubled.</summary>
public sealed class RecoveryTests(TestServers servers)
{
    [Fact]
    public async Task A_document_stored_before_a_crash_is_processed_and_applied_after_restart()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        await host.SeedOrderAsync("DA0000000301", lines: [("1", "SKU-1", 1)]);
        await host.StopAdapterAsync();
        var body = X12Text.Interchange(3001, "SW", 4001, X12Text.ShippingAdvice("0001", "DA0000000301", "SHIP-301", "1Z301", ("1", "SKU-1", 1, 1)));
        await using (var connection = new Npgsql.NpgsqlConnection(host.ConnectionString))
        {
            // What the intake had committed when the process died: the raw body, nothing else.
            await connection.OpenAsync();
            await using var insert = new Npgsql.NpgsqlCommand(
                "INSERT INTO inbound_documents (partner_id, format, body, body_sha256, received_at) VALUES ('acme-3pl', 'x12', @body, 'x', now() - interval '1 minute')", connection);
            insert.Parameters.AddWithValue("body", body);
            await insert.ExecuteNonQueryAsync();
        }

        await host.StartAdapterAsync();

        await Eventually.TrueAsync(() => !host.Recorded.Dispatches.IsEmpty, "the stored 945 applied after restart");
        Assert.Equal("acme-3pl:SHIP-301:DA0000000301", host.Recorded.Dispatches.Single().DispatchId);
        var response = (await host.ColumnAsync("SELECT response FROM inbound_documents")).Single();
        Assert.Equal("A", X12Text.Acknowledgments(response).Single().AckCode);
    }

    [Fact]
    public async Task Work_accepted_before_a_restart_is_applied_once_after_it()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        await host.SeedOrderAsync("DA0000000302", lines: [("1", "SKU-1", 1)]);
        host.Recorded.Unavailable = true;
        using var response = await host.PostEdiAsync(X12Text.Interchange(3002, "SW", 4002, X12Text.ShippingAdvice("0001", "DA0000000302", "SHIP-302", "1Z302", ("1", "SKU-1", 1, 1))));
        await Eventually.TrueAsync(async () => await host.CountAsync("SELECT coalesce(max(attempts), 0) FROM inbound_work") >= 1, "a failed apply");

        await host.StopAdapterAsync();
        host.Recorded.Unavailable = false;
        await host.StartAdapterAsync();

        await Eventually.TrueAsync(() => !host.Recorded.Dispatches.IsEmpty, "applied after restart");
        await Task.Delay(500);
        Assert.Single(host.Recorded.Dispatches);
    }

    [Fact]
    public async Task An_order_queued_while_the_3PL_was_down_is_sent_after_the_adapter_restarts()
    {
        await using var host = await ThreePLHost.StartAsync(servers, withSandbox: true, sandbox: new Dictionary<string, string?> { ["Sandbox:ThreePL:ShipAfterSeconds"] = "3600" });
        host.SandboxState.Faults = new Sandbox.ThreePL.ThreePLFaults { Down = true };
        var request = Shipments.Requested();
        await host.PublishAsync(request);
        await Eventually.TrueAsync(async () => await host.CountAsync("SELECT coalesce(max(attempts), 0) FROM outbound_messages") >= 1, "a failed send");

        await host.StopAdapterAsync();
        host.SandboxState.Faults = new Sandbox.ThreePL.ThreePLFaults();
        await host.StartAdapterAsync();

        await Eventually.TrueAsync(() => host.Recorded.Acknowledgments.Any(a => a.ShipmentId == request.ShipmentId.ToString()), "sent and acknowledged after restart");
        Assert.Single(host.SandboxState.Shipments);
    }
}
