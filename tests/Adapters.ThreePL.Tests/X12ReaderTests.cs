using Distribution.Aspire.Adapters.ThreePL.Edi;

namespace Distribution.Aspire.Adapters.ThreePL.Tests;

/// <summary>The tokenizer on awkward layouts, the envelope checks, and the 945/856/846 readers on our layouts.</summary>
public sealed class X12ReaderTests
{
    private static string Sample945 => X12Text.Interchange(101, "SW", 501,
        X12Text.ShippingAdvice("0001", "DA0000000007", "SHIP-7", "1Z999", ("1", "SKU-1", 2, 2), ("2", "SKU-2", 5, 3)));

    [Fact]
    public void CRLF_between_segments_and_a_BOM_change_nothing()
    {
        var plain = X12Parser.Parse(Sample945);
        var windows = X12Parser.Parse("\uFEFF" + Sample945.Replace("\n", "\r\n", StringComparison.Ordinal));

        Assert.Empty(windows.EnvelopeErrors);
        Assert.Equal(
            plain.Interchanges[0].Groups[0].TransactionSets[0].Segments.Select(s => s.ToString()),
            windows.Interchanges[0].Groups[0].TransactionSets[0].Segments.Select(s => s.ToString()));
    }

    [Fact]
    public void A_newline_terminated_interchange_with_CRLF_reads_like_a_tilde_terminated_one()
    {
        var newline = Sample945.Replace("~\n", "\r\n", StringComparison.Ordinal);

        var document = X12Parser.Parse(newline);

        Assert.Equal('\n', document.Delimiters.Segment);
        Assert.Empty(document.EnvelopeErrors);
        Assert.True(ShippingAdvice945.Read(document.Interchanges[0].Groups[0].TransactionSets[0]).IsSound);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello world")]
    [InlineData("{\"id\":1}")]
    [InlineData("ISA*00*          *00*")]
    [InlineData("ISA1001")]
    public void Text_that_is_not_X12_is_a_syntax_error_with_a_reason(string text)
    {
        var error = Assert.Throws<X12SyntaxException>(() => X12Parser.Parse(text));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Envelope_errors_name_the_count_and_control_number_that_do_not_match()
    {
        var broken = Sample945
            .Replace("SE*14*0001", "SE*13*0001", StringComparison.Ordinal)
            .Replace("GE*1*501", "GE*2*502", StringComparison.Ordinal)
            .Replace("IEA*1*000000101", "IEA*3*000000100", StringComparison.Ordinal);

        var errors = X12Parser.Parse(broken).EnvelopeErrors;

        Assert.Equal(
            [
                (X12EnvelopeCodes.SeSegmentCount, "SE01 says 13 segments; transaction set 0001 has 14 (ST to SE)."),
                (X12EnvelopeCodes.GeTransactionCount, "GE01 says 2 transaction sets; group 501 has 1."),
                (X12EnvelopeCodes.GeControlMismatch, "GE02 '502' does not match GS06 '501'."),
                (X12EnvelopeCodes.IeaGroupCount, "IEA01 says 3 functional groups; the interchange has 1."),
                (X12EnvelopeCodes.IeaControlMismatch, "IEA02 '000000100' does not match ISA13 '000000101'."),
            ],
            errors.Select(e => (e.Code, e.Message)));
    }

    [Fact]
    public void Missing_trailers_and_segments_outside_their_envelope_are_reported()
    {
        var text = Sample945.Replace("SE*14*0001~\n", string.Empty, StringComparison.Ordinal).Replace("IEA*1*000000101~\n", "W99*1~\n", StringComparison.Ordinal);

        var codes = X12Parser.Parse(text).EnvelopeErrors.Select(e => e.Code).ToList();

        Assert.Equal([X12EnvelopeCodes.SeMissing, X12EnvelopeCodes.OutsideEnvelope, X12EnvelopeCodes.IeaMissing], codes);
    }

    [Fact]
    public void A_945_reads_into_order_reference_carrier_packages_and_lines()
    {
        var read = ShippingAdvice945.Read(X12Parser.Parse(Sample945).Interchanges[0].Groups[0].TransactionSets[0]);

        Assert.True(read.IsSound);
        var advice = read.Document!;
        Assert.Equal(("DA0000000007", "SHIP-7", "UPSN"), (advice.DepositorOrderNumber, advice.ShipmentIdentification, advice.CarrierScac));
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 10, 15, 0, TimeSpan.Zero), advice.ShippedAt);
        Assert.Equal(
            [("1", "SKU-1", 2, (int?)2, "1Z999"), ("2", "SKU-2", 3, (int?)5, "1Z999")],
            advice.Items.Select(i => (i.LineId, i.Sku, i.QuantityShipped, i.QuantityOrdered, i.TrackingNumber)));
        Assert.Equal(5, advice.TotalUnits);
    }

    [Fact]
    public void A_945_with_segments_out_of_place_is_refused_with_AK3_codes()
    {
        var set = X12Text.ShippingAdvice("0001", "DA1", "S1", "T1", ("1", "SKU-1", 1, 1));
        var body = set.Body.ToList();
        body.Insert(1, ["W12", "CC", "1", "1", "0", "EA", string.Empty, "SK", "SKU-1"]);
        body.Add(["N1", "ST", "late"]);
        var text = X12Text.Interchange(5, "SW", 5, set with { Body = body });

        var read = ShippingAdvice945.Read(X12Parser.Parse(text).Interchanges[0].Groups[0].TransactionSets[0]);

        Assert.False(read.IsSound);
        Assert.Equal(
            [("W12", 3, X12Codes.Segment.OutOfSequence), ("N1", 11, X12Codes.Segment.OutOfSequence)],
            read.Problems.Select(p => (p.SegmentId, p.Position, p.SegmentCode)));
    }

    [Fact]
    public void A_945_without_W06_or_with_a_bad_quantity_is_refused()
    {
        var noW06 = new X12SetContent("945", "0001", [["W27", "U", "UPSN"], ["LX", "1"], ["W12", "CC", "1", "1"], ["W03", "1"]]);
        var badQuantity = new X12SetContent("945", "0002", [["W06", "F", "DA1"], ["LX", "1"], ["W12", "CC", "1", "x1", "0", "EA", string.Empty, "SK", "A"], ["W03", "1"]]);
        var sets = X12Parser.Parse(X12Text.Interchange(6, "SW", 6, noW06, badQuantity)).Interchanges[0].Groups[0].TransactionSets;

        var first = ShippingAdvice945.Read(sets[0]);
        var second = ShippingAdvice945.Read(sets[1]);

        Assert.Equal([("W06", X12Codes.Segment.MandatoryMissing)], first.Problems.Select(p => (p.SegmentId, p.SegmentCode)));
        var problem = Assert.Single(second.Problems, p => p.SegmentId == "W12");
        Assert.Equal(new ElementNote(3, null, null, X12Codes.Element.InvalidCharacter, "x1"), problem.Element);
    }

    [Fact]
    public void An_856_reads_packs_with_their_tracking_numbers()
    {
        var text = X12Text.Interchange(7, "SH", 7, X12Text.ShipNotice("0001", "DA0000000009", "ASN-9", "794600000001", ("1", "SKU-1", 2), ("2", "SKU-2", 1)));

        var read = ShipNotice856.Read(X12Parser.Parse(text).Interchanges[0].Groups[0].TransactionSets[0]);

        Assert.True(read.IsSound, string.Join("; ", read.Problems.Select(p => p.Reason)));
        var order = Assert.Single(read.Document!.Orders);
        var pack = Assert.Single(order.Packs);
        Assert.Equal("794600000001", pack.TrackingNumber);
        Assert.Equal([("1", "SKU-1", 2), ("2", "SKU-2", 1)], pack.Items.Select(i => (i.LineId, i.Sku, i.QuantityShipped)));
        Assert.Equal("FDEG", read.Document.CarrierScac);
    }

    [Fact]
    public void An_856_whose_HL_tree_is_broken_is_refused()
    {
        var notice = X12Text.ShipNotice("0001", "DA1", "ASN-1", "T", ("1", "SKU-1", 2));
        var body = notice.Body.Select(s => s[0] == "HL" && s[1] == "4" ? new[] { "HL", "4", "9", "I" } : s).ToList();
        var text = X12Text.Interchange(8, "SH", 8, notice with { Body = body });

        var read = ShipNotice856.Read(X12Parser.Parse(text).Interchanges[0].Groups[0].TransactionSets[0]);

        var problem = Assert.Single(read.Problems);
        Assert.Equal(("HL", X12Codes.Segment.HasDataElementErrors, 2), (problem.SegmentId, problem.SegmentCode, problem.Element!.Position));
    }

    [Fact]
    public void An_846_reads_counts_per_item_at_its_warehouse()
    {
        var text = X12Text.Interchange(9, "IB", 9, X12Text.InventoryAdvice("0001", "INV-1", "ACME01", ("SKU-1", 40), ("SKU-2", 0)));

        var read = InventoryAdvice846.Read(X12Parser.Parse(text).Interchanges[0].Groups[0].TransactionSets[0]);

        Assert.True(read.IsSound);
        Assert.Equal("ACME01", read.Document!.WarehouseCode);
        var at = new DateTimeOffset(2026, 11, 28, 6, 0, 0, TimeSpan.Zero);
        Assert.Equal([("SKU-1", 40, at), ("SKU-2", 0, at)], read.Document.Items.Select(i => (i.Sku, i.Quantity, i.CountedAt)));
    }
}
