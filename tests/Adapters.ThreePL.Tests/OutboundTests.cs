using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.Adapters.ThreePL.Edi;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.ThreePL.Tests;

/// <summary>Shipment requests and cancels for 3PL nodes, through the durable outbound queue to the sandbox 3PL.</summary>
public sealed class OutboundTests(TestServers servers)
{
    private static readonly Dictionary<string, string?> Quiet = new()
    {
        // The sandbox keeps what it receives; these tests look at the order side only.
        ["Sandbox:ThreePL:ShipAfterSeconds"] = "3600",
    };

    [Fact]
    public async Task A_shipment_request_for_a_3PL_goes_out_as_a_940_and_its_997_acknowledges_the_shipment()
    {
        await using var host = await ThreePLHost.StartAsync(servers, withSandbox: true, sandbox: Quiet);
        var request = Shipments.Requested();

        await host.PublishAsync(request);

        await Eventually.TrueAsync(() => host.Recorded.Acknowledgments.Any(a => a.ShipmentId == request.ShipmentId.ToString()), "AcknowledgeShipment from the 997");
        var taken = Assert.Single(host.SandboxState.Shipments.Values);
        Assert.Equal([("1", "SKU-1", 2), ("2", "SKU-2", 1)], taken.Lines.Select(l => (l.LineId, l.Sku, l.Quantity)));
        Assert.Equal("edi:997", host.Recorded.Acknowledgments.Single().Source);

        var sent = (await host.ColumnAsync("SELECT body FROM outbound_messages")).Single();
        var document = X12Parser.Parse(sent);
        Assert.Empty(document.EnvelopeErrors);
        var order = WarehouseShippingOrder940.Read(document.Interchanges[0].Groups[0].TransactionSets[0]).Document!;
        Assert.Equal((X12Codes.OrderOriginal, taken.Reference, request.ChannelOrderId), (order.OrderStatus, order.DepositorOrderNumber, order.PurchaseOrderNumber));
        Assert.Equal(new ShipToParty("Jane Doe", "1 Main St", "Apt 4", "Springfield", "IL", "62701", "US"), order.ShipTo);
        Assert.Equal("ACME01", order.WarehouseCode);
        Assert.Equal(new DateOnly(2026, 12, 1), order.RequestedShipDate);
        Assert.Equal(["acknowledged"], await host.ColumnAsync("SELECT status FROM outbound_messages"));
    }

    [Fact]
    public async Task Requests_for_our_own_warehouses_are_not_sent_and_a_redelivered_request_is_sent_once()
    {
        await using var host = await ThreePLHost.StartAsync(servers, withSandbox: true, sandbox: Quiet);
        var request = Shipments.Requested();

        await host.PublishAsync(Shipments.Requested(nodeKind: "warehouse"));
        await host.PublishAsync(request);
        await host.PublishAsync(request with { RequestedAt = request.RequestedAt.AddSeconds(1) });

        await Eventually.TrueAsync(() => !host.Recorded.Acknowledgments.IsEmpty, "the 3PL order acknowledged");
        await Task.Delay(500);
        Assert.Single(host.SandboxState.Shipments);
        Assert.Equal(1, await host.CountAsync("SELECT count(*) FROM outbound_messages"));
    }

    [Fact]
    public async Task A_3PL_outage_delays_the_940_and_it_is_delivered_after_recovery()
    {
        await using var host = await ThreePLHost.StartAsync(servers, withSandbox: true, sandbox: Quiet);
        host.SandboxState.Faults = new Sandbox.ThreePL.ThreePLFaults { Down = true };
        var first = Shipments.Requested();
        var second = Shipments.Requested();

        await host.PublishAsync(first);
        await host.PublishAsync(second);
        await Eventually.TrueAsync(async () => await host.CountAsync("SELECT coalesce(max(attempts), 0) FROM outbound_messages") >= 3, "several failed attempts");
        Assert.Empty(host.SandboxState.Shipments);
        Assert.Equal(["pending", "pending"], await host.ColumnAsync("SELECT status FROM outbound_messages ORDER BY message_id"));
        Assert.Matches("HTTP 503|BrokenCircuitException", (await host.ColumnAsync("SELECT last_error FROM outbound_messages ORDER BY message_id")).First());

        host.SandboxState.Faults = new Sandbox.ThreePL.ThreePLFaults();

        await Eventually.TrueAsync(() => host.Recorded.Acknowledgments.Count == 2, "both delivered and acknowledged after recovery");
        var references = await host.ColumnAsync("SELECT o.order_reference FROM outbound_messages m JOIN shipment_orders o USING (shipment_id) ORDER BY m.message_id");
        Assert.Equal(references, host.SandboxState.Shipments.Values.OrderBy(s => s.ReceivedAt).Select(s => s.Reference));
    }

    [Fact]
    public async Task A_timeout_and_failing_attempts_are_retried_by_the_resilience_pipeline_and_the_queue()
    {
        await using var host = await ThreePLHost.StartAsync(servers, withSandbox: true, sandbox: Quiet);
        host.SandboxState.Faults = new Sandbox.ThreePL.ThreePLFaults { TimeoutNext = 1, FailNext = 3, LatencyMilliseconds = 50 };
        var request = Shipments.Requested();

        await host.PublishAsync(request);

        await Eventually.TrueAsync(() => !host.Recorded.Acknowledgments.IsEmpty, "delivered despite a timeout and 503s", timeoutSeconds: 40);
        Assert.Single(host.SandboxState.Shipments);
        Assert.True(host.SandboxState.FaultsInjected >= 4);
    }

    [Fact]
    public async Task A_partner_queue_with_work_is_sent_without_waiting_a_poll_between_messages()
    {
        // With a 10 s poll, ten 940s sent one poll apart would take a minute and a half.
        await using var host = await ThreePLHost.StartAsync(servers, adapter: new Dictionary<string, string?> { ["ThreePL:OutboundPollMilliseconds"] = "10000" },
            withSandbox: true, sandbox: Quiet);
        await host.PublishAsync(Shipments.Requested());
        await Eventually.TrueAsync(() => host.Recorded.Acknowledgments.Count == 1, "the first 940 acknowledged", timeoutSeconds: 20);

        for (var i = 0; i < 10; i++)
        {
            await host.PublishAsync(Shipments.Requested());
        }

        await Eventually.TrueAsync(() => host.Recorded.Acknowledgments.Count == 11, "the next ten acknowledged within about one poll", timeoutSeconds: 18);
        Assert.Equal(11, host.SandboxState.Shipments.Count);
    }

    [Fact]
    public async Task Outgoing_control_numbers_are_persisted_and_increase()
    {
        await using var host = await ThreePLHost.StartAsync(servers, withSandbox: true, sandbox: Quiet);

        for (var i = 0; i < 3; i++)
        {
            await host.PublishAsync(Shipments.Requested());
        }

        await Eventually.TrueAsync(() => host.Recorded.Acknowledgments.Count == 3, "three acknowledged");
        var interchanges = (await host.ColumnAsync("SELECT interchange_control FROM outbound_messages ORDER BY message_id")).Select(long.Parse).ToList();
        var groups = (await host.ColumnAsync("SELECT group_control FROM outbound_messages ORDER BY message_id")).Select(long.Parse).ToList();
        Assert.Equal(interchanges.Order(), interchanges);
        Assert.Equal(3, interchanges.Distinct().Count());
        Assert.Equal(groups.Order(), groups);
        Assert.Equal(interchanges.Max(), await host.CountAsync("SELECT last_value FROM control_numbers WHERE partner_id = 'acme-3pl' AND kind = 'interchange'"));
    }

    [Fact]
    public async Task A_cancelled_shipment_is_cancelled_at_the_3PL_with_a_940_cancellation()
    {
        await using var host = await ThreePLHost.StartAsync(servers, withSandbox: true, sandbox: Quiet);
        var request = Shipments.Requested();
        await host.PublishAsync(request);
        await Eventually.TrueAsync(() => !host.Recorded.Acknowledgments.IsEmpty, "the order acknowledged");

        await host.PublishAsync(Shipments.Cancelled(request));

        await Eventually.TrueAsync(() => host.SandboxState.Shipments.Values.Single().Cancelled, "cancelled at the 3PL");
        var cancel = (await host.ColumnAsync("SELECT body FROM outbound_messages WHERE kind = 'cancel'")).Single();
        var order = WarehouseShippingOrder940.Read(X12Parser.Parse(cancel).Interchanges[0].Groups[0].TransactionSets[0]).Document!;
        Assert.Equal((X12Codes.OrderCancellation, host.SandboxState.Shipments.Values.Single().Reference), (order.OrderStatus, order.DepositorOrderNumber));
    }

    [Fact]
    public async Task A_shipment_cancelled_before_its_order_was_ever_attempted_is_never_sent()
    {
        await using var host = await ThreePLHost.StartAsync(servers, withSandbox: true, sandbox: Quiet);
        host.SandboxState.Faults = new Sandbox.ThreePL.ThreePLFaults { Down = true };
        // The partner's queue goes head first: while the blocker fails, the request behind it is never attempted.
        var blocker = Shipments.Requested();
        var request = Shipments.Requested();
        var cancelledFirst = Shipments.Requested();
        await host.PublishAsync(blocker);
        await Eventually.TrueAsync(async () => await host.CountAsync("SELECT coalesce(max(attempts), 0) FROM outbound_messages") >= 1, "the blocker attempted");
        await host.PublishAsync(request);
        await Eventually.TrueAsync(async () => await host.CountAsync("SELECT count(*) FROM outbound_messages") == 2, "queued");

        await host.PublishAsync(Shipments.Cancelled(request));
        await host.PublishAsync(Shipments.Cancelled(cancelledFirst));
        await host.PublishAsync(cancelledFirst);
        await Eventually.TrueAsync(async () => await host.CountAsync("SELECT count(*) FROM shipment_orders WHERE status = 'cancelled'") == 2, "both cancelled");
        host.SandboxState.Faults = new Sandbox.ThreePL.ThreePLFaults();

        // Sends go in order per partner: once a later request arrives, anything withdrawn before it would have too.
        var sentinel = Shipments.Requested();
        await host.PublishAsync(sentinel);
        await Eventually.TrueAsync(() => host.SandboxState.Shipments.Count == 2, "the blocker and the later request delivered");

        Assert.Equal(
            await host.ColumnAsync($"SELECT order_reference FROM shipment_orders WHERE shipment_id IN ('{blocker.ShipmentId}', '{sentinel.ShipmentId}') ORDER BY order_reference"),
            host.SandboxState.Shipments.Values.Select(s => s.Reference).Order());
        Assert.Equal(["order:withdrawn"], await host.ColumnAsync($"SELECT kind || ':' || status FROM outbound_messages WHERE shipment_id = '{request.ShipmentId}'"));
        Assert.Equal(0, await host.CountAsync("SELECT count(*) FROM outbound_messages WHERE kind = 'cancel'"));
    }

    [Fact]
    public async Task A_cancel_is_sent_after_an_order_the_3PL_took_but_answered_with_a_failure()
    {
        await using var partner = await StubPartner.StartAsync();
        var failing = true;
        partner.Answer = (_, _, _) => Task.FromResult(Volatile.Read(ref failing) ? 500 : 200);
        await using var host = await ThreePLHost.StartAsync(servers, adapter: new Dictionary<string, string?>
        {
            ["ThreePL:Partners:acme-3pl:EdiUrl"] = partner.EdiUrl,
        });
        var request = Shipments.Requested();

        await host.PublishAsync(request);
        await Eventually.TrueAsync(async () => await host.CountAsync("SELECT coalesce(max(attempts), 0) FROM outbound_messages WHERE status = 'pending'") >= 1, "the order taken by the 3PL but answered 500");
        await host.PublishAsync(Shipments.Cancelled(request));
        await Eventually.TrueAsync(async () => await host.CountAsync("SELECT count(*) FROM shipment_orders WHERE status = 'cancelled'") == 1, "the shipment cancelled");
        Volatile.Write(ref failing, false);

        await Eventually.TrueAsync(() => partner.Received.Any(r => r.Body.Contains("W05*C*", StringComparison.Ordinal)), "a cancellation 940 sent to the 3PL");
        var reference = (await host.ColumnAsync($"SELECT order_reference FROM shipment_orders WHERE shipment_id = '{request.ShipmentId}'")).Single();
        var kinds = partner.Received.Select(r => r.Body.Contains("W05*C*", StringComparison.Ordinal) ? "cancel" : "order").ToList();
        Assert.Equal("cancel", kinds[^1]);
        Assert.All(kinds[..^1], k => Assert.Equal("order", k));
        Assert.All(partner.Received, r => Assert.Contains(reference, r.Body, StringComparison.Ordinal));
        await Eventually.TrueAsync(async () => await host.CountAsync("SELECT count(*) FROM outbound_messages WHERE status = 'sent'") == 2, "order and cancel both sent");
    }

    [Fact]
    public async Task A_3PL_that_hangs_on_every_call_counts_timed_out_attempts_and_does_not_hold_up_other_partners()
    {
        await using var hanging = await StubPartner.StartAsync();
        hanging.Answer = (_, _, aborted) => StubPartner.HangAsync(aborted);
        await using var healthy = await StubPartner.StartAsync();
        var hangingCallsBeforeDelivery = -1;
        healthy.Answer = (_, _, _) =>
        {
            Interlocked.CompareExchange(ref hangingCallsBeforeDelivery, hanging.Received.Count, -1);
            return Task.FromResult(200);
        };
        await using var host = await ThreePLHost.StartAsync(servers, adapter: new Dictionary<string, string?>
        {
            ["ThreePL:Http:AttemptTimeoutSeconds"] = "1",
            ["ThreePL:Partners:acme-3pl:EdiUrl"] = hanging.EdiUrl,
            ["ThreePL:Partners:json-3pl:OrdersUrl"] = healthy.OrdersUrl,
        });

        // acme-3pl sorts first, so its queue head is the first of every round.
        await host.PublishAsync(Shipments.Requested());
        await host.PublishAsync(Shipments.Requested(partnerId: ThreePLHost.JsonPartner));

        await Eventually.TrueAsync(async () => (await host.ColumnAsync("SELECT last_error FROM outbound_messages WHERE partner_id = 'acme-3pl' AND attempts = 1")).Count == 1, "the first timed-out attempt counted");
        Assert.Matches("^TimeoutRejectedException", (await host.ColumnAsync("SELECT last_error FROM outbound_messages WHERE partner_id = 'acme-3pl'")).Single());
        Assert.Equal(["pending"], await host.ColumnAsync("SELECT status FROM outbound_messages WHERE partner_id = 'acme-3pl'"));
        await Eventually.TrueAsync(() => healthy.Received.Count > 0, "the other partner's order delivered");
        // Delivered on its own merit, not only once the hanging partner's circuit opened (it needs five failures).
        Assert.InRange(Volatile.Read(ref hangingCallsBeforeDelivery), 0, 4);
        await Eventually.TrueAsync(async () => await host.CountAsync("SELECT count(*) FROM outbound_messages WHERE partner_id = 'json-3pl' AND status = 'sent'") == 1, "the other partner's order marked sent");
    }

    [Fact]
    public async Task A_997_rejecting_our_cancellation_940_is_quarantined_for_operators()
    {
        await using var partner = await StubPartner.StartAsync();
        await using var host = await ThreePLHost.StartAsync(servers, adapter: new Dictionary<string, string?>
        {
            ["ThreePL:Partners:acme-3pl:EdiUrl"] = partner.EdiUrl,
        });
        var request = Shipments.Requested();
        await host.PublishAsync(request);
        await Eventually.TrueAsync(async () => await host.CountAsync("SELECT count(*) FROM outbound_messages WHERE kind = 'order' AND status = 'sent'") == 1, "the order sent");
        await host.PublishAsync(Shipments.Cancelled(request));
        await Eventually.TrueAsync(async () => await host.CountAsync("SELECT count(*) FROM outbound_messages WHERE kind = 'cancel' AND status = 'sent'") == 1, "the cancel sent");
        var group = (await host.ColumnAsync("SELECT group_control FROM outbound_messages WHERE kind = 'cancel'")).Single();
        var cancelId = await host.CountAsync("SELECT message_id FROM outbound_messages WHERE kind = 'cancel'");
        var rejection = FunctionalAcknowledgment997.Write(
            new FunctionalAcknowledgment(X12Codes.WarehouseShippingOrderGroup, group, [new TransactionSetResponse("940", "0001", [], X12Codes.Rejected, ["5"])], X12Codes.Rejected, 1, 1, 0, []),
            "0001");

        using var response = await host.PostEdiAsync(X12Text.Interchange(7001, X12Codes.AcknowledgmentGroup, 7001, rejection));

        Assert.True(response.IsSuccessStatusCode);
        await Eventually.TrueAsync(async () => await host.CountAsync($"SELECT count(*) FROM quarantine WHERE message_id = {cancelId} AND reason_code = 'partner_rejected_order'") == 1, "the refused cancel quarantined");
        Assert.Contains("cancel", (await host.ColumnAsync($"SELECT reason FROM quarantine WHERE message_id = {cancelId}")).Single(), StringComparison.Ordinal);
        Assert.Equal(["rejected"], await host.ColumnAsync("SELECT status FROM outbound_messages WHERE kind = 'cancel'"));
    }

    [Fact]
    public async Task A_JSON_3PL_gets_a_JSON_order_and_its_shipped_and_tracking_events_come_back()
    {
        await using var host = await ThreePLHost.StartAsync(servers, withSandbox: true, sandbox: new Dictionary<string, string?>
        {
            ["Sandbox:ThreePL:Headers:X-Partner-Id"] = ThreePLHost.JsonPartner,
        });
        var request = Shipments.Requested(partnerId: ThreePLHost.JsonPartner);

        await host.PublishAsync(request);

        await Eventually.TrueAsync(() => host.Recorded.Milestones.Any(m => m.Milestone == Contracts.Fulfillment.V1.Milestone.Delivered), "delivered");
        var taken = Assert.Single(host.SandboxState.Shipments.Values);
        Assert.Equal("json", taken.Format);
        var dispatch = Assert.Single(host.Recorded.Dispatches);
        Assert.Equal((request.ShipmentId.ToString(), "ups", taken.TrackingNumber), (dispatch.ShipmentId, dispatch.Packages[0].Carrier, dispatch.Packages[0].TrackingNumber));
        using var body = JsonDocument.Parse((await host.ColumnAsync("SELECT body FROM outbound_messages")).Single());
        Assert.Equal(taken.Reference, body.RootElement.GetProperty("reference").GetString());
        Assert.Equal("Jane * Doe", body.RootElement.GetProperty("ship_to").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Operators_see_the_outbound_queue()
    {
        await using var host = await ThreePLHost.StartAsync(servers, withSandbox: true, sandbox: Quiet);
        host.SandboxState.Faults = new Sandbox.ThreePL.ThreePLFaults { Down = true };
        await host.PublishAsync(Shipments.Requested());
        await Eventually.TrueAsync(async () => await host.CountAsync("SELECT coalesce(max(attempts), 0) FROM outbound_messages") >= 1, "an attempt");

        using var admin = host.AdminClient();
        var queue = await admin.GetFromJsonAsync<JsonElement>("/admin/3pl/outbound?status=pending");

        var item = queue.GetProperty("items")[0];
        Assert.Equal(("acme-3pl", "order", "pending"), (item.GetProperty("partnerId").GetString(), item.GetProperty("kind").GetString(), item.GetProperty("status").GetString()));
        Assert.Matches("^(HTTP 503|BrokenCircuitException)", item.GetProperty("lastError").GetString());
    }
}
