using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.Adapters.ThreePL.Edi;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.ThreePL.Tests;

/// <summary>POST /partners/3pl/edi on the real adapter: answers, dedupe, quarantine and what reaches Fulfillment/Inventory.</summary>
public sealed class EdiIntakeTests(TestServers servers)
{
    [Fact]
    public async Task A_945_is_acknowledged_and_recorded_as_a_dispatch_with_packages_tracking_and_carrier()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        var shipmentId = await host.SeedOrderAsync("DA0000000101", lines: [("1", "SKU-1", 2), ("2", "SKU-2", 5)]);
        var text = X12Text.Interchange(1001, "SW", 2001, X12Text.ShippingAdvice("0001", "DA0000000101", "SHIP-101", "1Z0001", ("1", "SKU-1", 2, 2), ("2", "SKU-2", 5, 3)));

        using var response = await host.PostEdiAsync(text);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/edi-x12", response.Content.Headers.ContentType?.MediaType);
        var answer = await response.Content.ReadAsStringAsync();
        Assert.Empty(X12Parser.Parse(answer).EnvelopeErrors);
        var answerInterchange = X12Parser.Parse(answer).Interchanges[0];
        Assert.Equal((X12Text.Us, ThreePLHost.PartnerIsaId), (answerInterchange.SenderId, answerInterchange.ReceiverId));
        var ack = Assert.Single(X12Text.Acknowledgments(answer));
        Assert.Equivalent(new FunctionalAcknowledgment("SW", "2001", [new TransactionSetResponse("945", "0001", [], "A", [])], "A", 1, 1, 1, []), ack, strict: true);

        await Eventually.TrueAsync(() => !host.Recorded.Dispatches.IsEmpty, "RecordDispatch");
        var dispatch = Assert.Single(host.Recorded.Dispatches);
        Assert.Equal(shipmentId.ToString(), dispatch.ShipmentId);
        Assert.Equal("acme-3pl:SHIP-101:DA0000000101", dispatch.DispatchId);
        Assert.Equal("edi:945", dispatch.Source);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 10, 15, 0, TimeSpan.Zero), dispatch.OccurredAt.ToDateTimeOffset());
        Assert.Equal([("1", "SKU-1", 2), ("2", "SKU-2", 3)], dispatch.Lines.Select(l => (l.LineId, l.Sku, l.Quantity)));
        var package = Assert.Single(dispatch.Packages);
        Assert.Equal(("UPSN", "1Z0001"), (package.Carrier, package.TrackingNumber));
        Assert.Equal([("1", 2, 2), ("2", 3, 3)], package.Lines.Select(l => (l.LineId, l.Quantity, l.ShippedQuantity)));
    }

    [Fact]
    public async Task An_856_is_recorded_as_a_dispatch_and_a_945_for_the_same_shipment_adds_nothing()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        var shipmentId = await host.SeedOrderAsync("DA0000000102", lines: [("1", "SKU-1", 4)]);
        var asn = X12Text.Interchange(1002, "SH", 2002, X12Text.ShipNotice("0001", "DA0000000102", "SHIP-102", "7946001", ("1", "SKU-1", 4)));
        var advice = X12Text.Interchange(1003, "SW", 2003, X12Text.ShippingAdvice("0001", "DA0000000102", "SHIP-102", "7946001", ("1", "SKU-1", 4, 4)));

        using var first = await host.PostEdiAsync(asn);
        using var second = await host.PostEdiAsync(advice);

        Assert.Equal("A", Assert.Single(X12Text.Acknowledgments(await first.Content.ReadAsStringAsync())).AckCode);
        Assert.Equal("A", Assert.Single(X12Text.Acknowledgments(await second.Content.ReadAsStringAsync())).AckCode);
        await Eventually.TrueAsync(async () => await host.CountAsync("SELECT count(*) FROM inbound_work WHERE status = 'applied'") == 2, "both applied");
        var dispatch = Assert.Single(host.Recorded.Dispatches);
        Assert.Equal((shipmentId.ToString(), "acme-3pl:SHIP-102:DA0000000102", "edi:856"), (dispatch.ShipmentId, dispatch.DispatchId, dispatch.Source));
        Assert.Equal(("FDEG", "7946001", 4), (dispatch.Packages[0].Carrier, dispatch.Packages[0].TrackingNumber, dispatch.Lines[0].Quantity));
    }

    [Fact]
    public async Task An_846_sets_on_hand_at_the_partners_mapped_location()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        var east = X12Text.Interchange(1004, "IB", 2004, X12Text.InventoryAdvice("0001", "INV-1", "ACME01", ("SKU-1", 40), ("SKU-2", 0)));
        var west = X12Text.Interchange(1005, "IB", 2005, X12Text.InventoryAdvice("0001", "INV-2", "ACME02", ("SKU-1", 7)));

        using var first = await host.PostEdiAsync(east);
        using var second = await host.PostEdiAsync(west);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await Eventually.TrueAsync(() => host.Recorded.Counts.Count == 3, "three counts");
        var at = new DateTimeOffset(2026, 11, 28, 6, 0, 0, TimeSpan.Zero);
        Assert.Equal(
            [("SKU-1", ThreePLHost.Location, 40), ("SKU-2", ThreePLHost.Location, 0), ("SKU-1", "3pl-acme-west", 7)],
            host.Recorded.Counts.Select(c => (c.Sku, c.LocationId, c.OnHand)));
        Assert.All(host.Recorded.Counts, c => Assert.Equal(at, c.CountedAt.ToDateTimeOffset()));
        Assert.Equal("acme-3pl:846:INV-1", host.Recorded.Counts.First().Reference);
    }

    [Fact]
    public async Task An_846_for_a_warehouse_the_partner_does_not_run_is_rejected_with_AK4_on_N1_04()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        var text = X12Text.Interchange(1006, "IB", 2006, X12Text.InventoryAdvice("0001", "INV-3", "OTHER9", ("SKU-1", 1)));

        using var response = await host.PostEdiAsync(text);

        var set = Assert.Single(Assert.Single(X12Text.Acknowledgments(await response.Content.ReadAsStringAsync())).TransactionSets);
        Assert.Equivalent(new TransactionSetResponse("846", "0001", [new SegmentNote("N1", 3, null, "8", [new ElementNote(4, null, null, "7", "OTHER9")])], "R", ["5"]), set, strict: true);
        await AssertQuarantinedAsync(host, "unknown_warehouse");
        Assert.Empty(host.Recorded.Counts);
    }

    [Fact]
    public async Task The_same_interchange_twice_gets_the_same_997_and_is_applied_once()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        await host.SeedOrderAsync("DA0000000103", lines: [("1", "SKU-1", 1)]);
        var text = X12Text.Interchange(1007, "SW", 2007, X12Text.ShippingAdvice("0001", "DA0000000103", "SHIP-103", "1Z3", ("1", "SKU-1", 1, 1)));

        using var first = await host.PostEdiAsync(text);
        using var second = await host.PostEdiAsync(text.Replace("\n", "\r\n", StringComparison.Ordinal));
        var firstAnswer = await first.Content.ReadAsStringAsync();
        var secondAnswer = await second.Content.ReadAsStringAsync();

        Assert.Equal(firstAnswer, secondAnswer);
        await Eventually.TrueAsync(() => !host.Recorded.Dispatches.IsEmpty, "RecordDispatch");
        await Task.Delay(500);
        Assert.Single(host.Recorded.Dispatches);
        Assert.Equal(1, await host.CountAsync("SELECT count(*) FROM inbound_work"));
        Assert.Equal(["processed", "duplicate"], await host.ColumnAsync("SELECT status FROM inbound_documents ORDER BY document_id"));
    }

    [Fact]
    public async Task A_group_repeated_inside_a_new_interchange_is_answered_alike_and_not_applied_again()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        await host.SeedOrderAsync("DA0000000104", lines: [("1", "SKU-1", 1)]);
        var set = X12Text.ShippingAdvice("0001", "DA0000000104", "SHIP-104", "1Z4", ("1", "SKU-1", 1, 1));

        using var first = await host.PostEdiAsync(X12Text.Interchange(1008, "SW", 2008, set));
        using var second = await host.PostEdiAsync(X12Text.Interchange(1009, "SW", 2008, set));

        Assert.Equivalent(X12Text.Acknowledgments(await first.Content.ReadAsStringAsync()), X12Text.Acknowledgments(await second.Content.ReadAsStringAsync()), strict: true);
        await Eventually.TrueAsync(() => !host.Recorded.Dispatches.IsEmpty, "RecordDispatch");
        Assert.Equal(1, await host.CountAsync("SELECT count(*) FROM inbound_work"));
    }

    [Fact]
    public async Task Groups_of_different_types_with_the_same_control_number_are_each_acknowledged_and_applied()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        await host.SeedOrderAsync("DA0000000105", lines: [("1", "SKU-1", 1)]);
        // A partner with one GS06 counter per group type: its 945 group and its later 846 group are both number 5.
        var advice = X12Text.Interchange(1010, "SW", 5, X12Text.ShippingAdvice("0001", "DA0000000105", "SHIP-105", "1Z5", ("1", "SKU-1", 1, 1)));
        var inventory = X12Text.Interchange(1011, "IB", 5, X12Text.InventoryAdvice("0001", "INV-5", "ACME01", ("SKU-5", 12)));

        using var first = await host.PostEdiAsync(advice);
        using var second = await host.PostEdiAsync(inventory);

        Assert.Equal("945", Assert.Single(Assert.Single(X12Text.Acknowledgments(await first.Content.ReadAsStringAsync())).TransactionSets).TransactionSetIdentifier);
        var ack = Assert.Single(X12Text.Acknowledgments(await second.Content.ReadAsStringAsync()));
        Assert.Equivalent(new FunctionalAcknowledgment("IB", "5", [new TransactionSetResponse("846", "0001", [], "A", [])], "A", 1, 1, 1, []), ack, strict: true);
        await Eventually.TrueAsync(() => !host.Recorded.Counts.IsEmpty, "SetOnHand from the 846");
        Assert.Equal(("SKU-5", 12), (host.Recorded.Counts.Single().Sku, host.Recorded.Counts.Single().OnHand));
        await Eventually.TrueAsync(() => !host.Recorded.Dispatches.IsEmpty, "RecordDispatch from the 945");
    }

    [Fact]
    public async Task An_ISA_of_the_wrong_length_gets_a_TA1_rejection_997s_rejecting_every_group_and_quarantine()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        await host.SeedOrderAsync("DA0000000105", lines: [("1", "SKU-1", 1)]);
        var text = X12Text.Interchange(1010, "SW", 2010, X12Text.ShippingAdvice("0001", "DA0000000105", "SHIP-105", "1Z5", ("1", "SKU-1", 1, 1)))
            .Replace("ACME3PL        ", "ACME3PL   ", StringComparison.Ordinal);

        using var response = await host.PostEdiAsync(text);

        var answer = X12Parser.Parse(await response.Content.ReadAsStringAsync()).Interchanges[0];
        Assert.Equal(["000001010", "261128", "1030", "R", "006"], Assert.Single(answer.Acknowledgments).Elements);
        var ack = Assert.Single(X12Text.Acknowledgments(await response.Content.ReadAsStringAsync()));
        Assert.Equal(("R", 0), (ack.AckCode, ack.Accepted));
        await AssertQuarantinedAsync(host, "envelope_invalid", "ISA is 101 characters, not the fixed 106: ISA06 is 10 characters, not 15.");
        await AssertNothingAppliedAsync(host);
    }

    [Fact]
    public async Task Mismatched_IEA_and_GE_counts_are_rejected_with_their_codes_and_nothing_is_applied()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        await host.SeedOrderAsync("DA0000000106", lines: [("1", "SKU-1", 1)]);
        var valid = X12Text.Interchange(1011, "SW", 2011, X12Text.ShippingAdvice("0001", "DA0000000106", "SHIP-106", "1Z6", ("1", "SKU-1", 1, 1)));
        var badIea = valid.Replace("IEA*1*", "IEA*2*", StringComparison.Ordinal);
        var badGe = X12Text.Interchange(1012, "SW", 2012, X12Text.ShippingAdvice("0001", "DA0000000106", "SHIP-106", "1Z6", ("1", "SKU-1", 1, 1)))
            .Replace("GE*1*2012", "GE*3*2012", StringComparison.Ordinal);

        using var ieaResponse = await host.PostEdiAsync(badIea);
        using var geResponse = await host.PostEdiAsync(badGe);

        var ieaAnswer = await ieaResponse.Content.ReadAsStringAsync();
        Assert.Equal(["000001011", "261128", "1030", "R", "021"], Assert.Single(X12Parser.Parse(ieaAnswer).Interchanges[0].Acknowledgments).Elements);
        Assert.Equal("R", Assert.Single(X12Text.Acknowledgments(ieaAnswer)).AckCode);
        var geAck = Assert.Single(X12Text.Acknowledgments(await geResponse.Content.ReadAsStringAsync()));
        Assert.Equivalent(new FunctionalAcknowledgment("SW", "2012", [], "R", 3, 1, 0, ["5"]), geAck, strict: true);
        await AssertQuarantinedAsync(host, "envelope_invalid", "IEA01 says 2 functional groups; the interchange has 1.");
        await AssertQuarantinedAsync(host, "envelope_invalid", "GE01 says 3 transaction sets; group 2012 has 1.");
        await AssertNothingAppliedAsync(host);
    }

    [Fact]
    public async Task A_corrected_interchange_resent_under_a_rejected_control_number_is_processed()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        await host.SeedOrderAsync("DA0000000107", lines: [("1", "SKU-1", 1)]);
        var valid = X12Text.Interchange(1013, "SW", 2013, X12Text.ShippingAdvice("0001", "DA0000000107", "SHIP-107", "1Z7", ("1", "SKU-1", 1, 1)));

        using var rejected = await host.PostEdiAsync(valid.Replace("IEA*1*", "IEA*2*", StringComparison.Ordinal));
        using var corrected = await host.PostEdiAsync(valid);

        Assert.Equal("R", Assert.Single(X12Text.Acknowledgments(await rejected.Content.ReadAsStringAsync())).AckCode);
        Assert.Equal("A", Assert.Single(X12Text.Acknowledgments(await corrected.Content.ReadAsStringAsync())).AckCode);
        await Eventually.TrueAsync(() => !host.Recorded.Dispatches.IsEmpty, "RecordDispatch");
    }

    [Fact]
    public async Task Unknown_order_references_and_excess_quantities_are_rejected_per_set_with_AK3_AK4()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        await host.SeedOrderAsync("DA0000000108", lines: [("1", "SKU-1", 2)]);
        var text = X12Text.Interchange(1014, "SW", 2014,
            X12Text.ShippingAdvice("0001", "DA0000000108", "SHIP-108", "1Z8", ("1", "SKU-1", 2, 2)),
            X12Text.ShippingAdvice("0002", "DA9999999999", "SHIP-X", "1Z9", ("1", "SKU-1", 1, 1)),
            X12Text.ShippingAdvice("0003", "DA0000000108", "SHIP-109", "1Z10", ("1", "SKU-1", 2, 3)));

        using var response = await host.PostEdiAsync(text);

        var ack = Assert.Single(X12Text.Acknowledgments(await response.Content.ReadAsStringAsync()));
        Assert.Equal(("P", 3, 3, 1), (ack.AckCode, ack.Included, ack.Received, ack.Accepted));
        Assert.Equivalent(new TransactionSetResponse("945", "0002", [new SegmentNote("W06", 2, null, "8", [new ElementNote(2, null, null, "7", "DA9999999999")])], "R", ["5"]), ack.TransactionSets[1], strict: true);
        Assert.Equivalent(new TransactionSetResponse("945", "0003", [new SegmentNote("W12", 7, null, "8", [new ElementNote(3, null, null, "7", "3")])], "R", ["5"]), ack.TransactionSets[2], strict: true);
        await AssertQuarantinedAsync(host, "unknown_order_reference");
        await AssertQuarantinedAsync(host, "quantity_exceeds_order");
        await Eventually.TrueAsync(() => !host.Recorded.Dispatches.IsEmpty, "the accepted set");
        await Task.Delay(300);
        Assert.Equal("acme-3pl:SHIP-108:DA0000000108", Assert.Single(host.Recorded.Dispatches).DispatchId);
    }

    [Fact]
    public async Task Segments_out_of_place_and_unsupported_sets_are_rejected_with_their_codes()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        await host.SeedOrderAsync("DA0000000110", lines: [("1", "SKU-1", 1)]);
        var advice = X12Text.ShippingAdvice("0001", "DA0000000110", "SHIP-110", "1Z", ("1", "SKU-1", 1, 1));
        var outOfPlace = advice with { Body = [.. advice.Body, ["N1", "ST", "LATE"]] };
        var purchaseOrder = new X12SetContent("850", "0002", [["BEG", "00", "SA", "PO1", string.Empty, "20261128"]]);

        using var response = await host.PostEdiAsync(X12Text.Interchange(1015, "SW", 2015, outOfPlace, purchaseOrder));

        var ack = Assert.Single(X12Text.Acknowledgments(await response.Content.ReadAsStringAsync()));
        Assert.Equal("R", ack.AckCode);
        Assert.Equivalent(new TransactionSetResponse("945", "0001", [new SegmentNote("N1", 10, null, "7", [])], "R", ["5"]), ack.TransactionSets[0], strict: true);
        Assert.Equivalent(new TransactionSetResponse("850", "0002", [], "R", ["1"]), ack.TransactionSets[1], strict: true);
        await AssertQuarantinedAsync(host, "segment_errors");
        await AssertQuarantinedAsync(host, "transaction_set_not_supported");
        await AssertNothingAppliedAsync(host);
    }

    [Fact]
    public async Task Not_X12_is_a_problem_with_a_stable_code_and_kept_in_quarantine()
    {
        await using var host = await ThreePLHost.StartAsync(servers);

        using var response = await host.PostEdiAsync("UNA:+.? 'UNB+UNOA:1+SENDER+RECEIVER'");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("x12_syntax", problem.RootElement.GetProperty("code").GetString());
        await AssertQuarantinedAsync(host, "x12_syntax");
    }

    [Fact]
    public async Task A_body_with_a_NUL_character_is_a_problem_with_a_stable_code_and_its_exact_bytes_are_kept_for_operators()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        var edi = X12Text.Interchange(1012, "IB", 2012, X12Text.InventoryAdvice("0001", "INV\0NUL", "ACME01", ("SKU-1", 1)));

        using var x12 = await host.PostEdiAsync(edi);
        using var json = await host.PostEventTextAsync("{\"id\":\"evt\0\",\"type\":\"shipment.shipped\"}");

        foreach (var response in new[] { x12, json })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("nul_character", problem.RootElement.GetProperty("code").GetString());
        }

        Assert.Equal(2, await host.CountAsync("SELECT count(*) FROM quarantine WHERE reason_code = 'nul_character' AND document_id IS NOT NULL"));
        Assert.Equal(["x12:rejected", "json:rejected"], await host.ColumnAsync("SELECT format || ':' || status FROM inbound_documents ORDER BY document_id"));
        await using var raw = host.Database.CreateCommand("SELECT body_raw FROM inbound_documents ORDER BY document_id LIMIT 1");
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(edi), (byte[])(await raw.ExecuteScalarAsync())!);
        Assert.Empty(host.Recorded.Counts);
    }

    [Fact]
    public async Task A_caller_without_partner_identity_or_3PL_profile_is_refused()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        using var anonymous = new HttpClient { BaseAddress = host.AdapterAddress };

        using var noPartner = await anonymous.PostAsync("/partners/3pl/edi", new StringContent("ISA"));
        using var unknown = await host.PostEdiAsync("ISA*...", partnerId: "shopify-store-1");
        using var empty = await host.PostEdiAsync("  \n");

        Assert.Equal(HttpStatusCode.Unauthorized, noPartner.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, unknown.StatusCode);
        Assert.Equal("unknown_partner", JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(0, await host.CountAsync("SELECT count(*) FROM inbound_documents"));
    }

    [Fact]
    public async Task An_interchange_from_another_sender_id_is_rejected_with_TA1_006()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        var text = X12Text.Interchange(1016, "IB", 2016, X12Text.InventoryAdvice("0001", "INV", "ACME01", ("SKU-1", 1)))
            .Replace("ACME3PL        ", "SOMEONEELSE    ", StringComparison.Ordinal);

        using var response = await host.PostEdiAsync(text);

        var answer = X12Parser.Parse(await response.Content.ReadAsStringAsync()).Interchanges[0];
        Assert.Equal("006", Assert.Single(answer.Acknowledgments)[5]);
        Assert.Equal("SOMEONEELSE", answer.ReceiverId);
        await AssertQuarantinedAsync(host, "unknown_sender");
        await AssertNothingAppliedAsync(host);
    }

    [Fact]
    public async Task Fulfillment_down_delays_the_dispatch_and_a_refusal_quarantines_it()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        var delayed = await host.SeedOrderAsync("DA0000000111", lines: [("1", "SKU-1", 1)]);
        var refused = await host.SeedOrderAsync("DA0000000112", lines: [("1", "SKU-1", 1)]);
        host.Recorded.Unavailable = true;
        host.Recorded.Refused[refused.ToString()] = "shipment_cancelled";

        using var first = await host.PostEdiAsync(X12Text.Interchange(1017, "SW", 2017, X12Text.ShippingAdvice("0001", "DA0000000111", "S111", "1Z", ("1", "SKU-1", 1, 1))));
        await Eventually.TrueAsync(async () => await host.CountAsync("SELECT coalesce(max(attempts), 0) FROM inbound_work") >= 2, "retries while Fulfillment is down");
        Assert.Empty(host.Recorded.Dispatches);
        host.Recorded.Unavailable = false;
        using var second = await host.PostEdiAsync(X12Text.Interchange(1018, "SW", 2018, X12Text.ShippingAdvice("0001", "DA0000000112", "S112", "1Z", ("1", "SKU-1", 1, 1))));

        await Eventually.TrueAsync(() => host.Recorded.Dispatches.Any(d => d.ShipmentId == delayed.ToString()), "the delayed dispatch");
        await AssertQuarantinedAsync(host, "apply_refused", "RecordDispatch acme-3pl:S112:DA0000000112 refused: FailedPrecondition (shipment_cancelled): refused for the test");
    }

    [Fact]
    public async Task An_846_item_Inventory_refuses_is_quarantined_and_the_other_items_are_counted()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        host.Recorded.RefusedSkus["SKU-NEW"] = "unknown_sku";

        using var response = await host.PostEdiAsync(X12Text.Interchange(1019, "IB", 2019, X12Text.InventoryAdvice("0001", "INV-9", "ACME01", ("SKU-1", 4), ("SKU-NEW", 9), ("SKU-2", 1))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await AssertQuarantinedAsync(host, "apply_refused", "SetOnHand SKU-NEW@3pl-acme-east refused: NotFound (unknown_sku): no such item");
        Assert.Equal(["SKU-1", "SKU-2"], host.Recorded.Counts.Select(c => c.Sku));
    }

    [Fact]
    public async Task A_sender_id_holding_our_separator_is_answered_without_breaking_the_answer()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        var text = X12Text.Interchange(1020, "IB", 2020, X12Text.InventoryAdvice("0001", "INV", "ACME01", ("SKU-1", 1)))
            .Replace("ACME3PL        ", "ACME>3PL~      ", StringComparison.Ordinal).Replace("*>~", "*:!", StringComparison.Ordinal)
            .Replace("~\n", "!\n", StringComparison.Ordinal);

        using var response = await host.PostEdiAsync(text);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = X12Parser.Parse(await response.Content.ReadAsStringAsync()).Interchanges[0];
        Assert.Equal(("ACME 3PL", "006"), (answer.ReceiverId, Assert.Single(answer.Acknowledgments)[5]));
    }

    [Fact]
    public async Task Quarantine_is_visible_to_operators_only()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        using var _ = await host.PostEdiAsync("not x12 at all");
        using var partner = host.PartnerClient();

        using var refused = await partner.GetAsync("/admin/3pl/quarantine");
        using var admin = host.AdminClient();
        var list = await admin.GetFromJsonAsync<JsonElement>("/admin/3pl/quarantine");
        var id = list.GetProperty("items")[0].GetProperty("quarantineId").GetInt64();
        var one = await admin.GetFromJsonAsync<JsonElement>($"/admin/3pl/quarantine/{id}");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("x12_syntax", list.GetProperty("items")[0].GetProperty("reasonCode").GetString());
        Assert.Equal("not x12 at all", one.GetProperty("body").GetString());
    }

    internal static async Task AssertQuarantinedAsync(ThreePLHost host, string reasonCode, string? reason = null)
    {
        using var admin = host.AdminClient();
        await Eventually.TrueAsync(async () =>
        {
            var list = await admin.GetFromJsonAsync<JsonElement>("/admin/3pl/quarantine?limit=500");
            return list.GetProperty("items").EnumerateArray().Any(i =>
                i.GetProperty("reasonCode").GetString() == reasonCode && (reason is null || i.GetProperty("reason").GetString() == reason));
        }, $"quarantine entry {reasonCode} {reason}", timeoutSeconds: 10);
    }

    private static async Task AssertNothingAppliedAsync(ThreePLHost host)
    {
        await Task.Delay(400);
        Assert.Equal(0, await host.CountAsync("SELECT count(*) FROM inbound_work"));
        Assert.Empty(host.Recorded.Dispatches);
        Assert.Empty(host.Recorded.Counts);
        Assert.Empty(host.Recorded.Milestones);
    }
}
