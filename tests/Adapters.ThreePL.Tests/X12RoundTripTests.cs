using Distribution.Aspire.Adapters.ThreePL.Edi;

namespace Distribution.Aspire.Adapters.ThreePL.Tests;

/// <summary>What we write re-reads to the same content, through our own tokenizer and envelope checks.</summary>
public sealed class X12RoundTripTests
{
    private static readonly X12InterchangeHeader Header = new("ZZ", "DISTASPIRE", "ZZ", "ACME3PL", new DateTimeOffset(2026, 11, 28, 9, 5, 0, TimeSpan.Zero), 42, Test: true, AcknowledgmentRequested: false);

    public static TheoryData<WarehouseShippingOrder> Orders =>
    [
        new WarehouseShippingOrder(X12Codes.OrderOriginal, "DA0000000001", "PO-1001",
            new ShipToParty("Jane Doe", "1 Main St", "Apt 4", "Springfield", "IL", "62701", "US"), "ACME01", new DateOnly(2026, 12, 1),
            [new ShippingOrderLine("1", "SKU-1", 2, "EA"), new ShippingOrderLine("L-2", "SKU-2", 10, "EA")]),
        new WarehouseShippingOrder(X12Codes.OrderOriginal, "DA0000000002", null,
            new ShipToParty("Max", "Hauptstr. 5", null, "Berlin", null, "10115", "DEU"), null, null,
            [new ShippingOrderLine("1", "A", 1, "EA")]),
        new WarehouseShippingOrder(X12Codes.OrderCancellation, "DA0000000001", null, null, null, null, []),
    ];

    [Theory]
    [MemberData(nameof(Orders))]
    public void A_940_we_write_reads_back_to_the_same_order(WarehouseShippingOrder order)
    {
        var text = X12Writer.Write(Header, [new X12GroupContent(X12Codes.WarehouseShippingOrderGroup, 7, [WarehouseShippingOrder940.Write(order, "0001")])]);

        var document = X12Parser.Parse(text);

        Assert.Empty(document.EnvelopeErrors);
        var interchange = Assert.Single(document.Interchanges);
        Assert.Equal(106, interchange.IsaLength);
        Assert.Equal(("000000042", "DISTASPIRE", "ACME3PL", "T"), (interchange.ControlNumber, interchange.SenderId, interchange.ReceiverId, interchange.UsageIndicator));
        var group = Assert.Single(interchange.Groups);
        Assert.Equal(("OW", "7", "004010"), (group.FunctionalIdentifier, group.ControlNumber, group.Version));
        var read = WarehouseShippingOrder940.Read(Assert.Single(group.TransactionSets));
        Assert.True(read.IsSound, string.Join("; ", read.Problems.Select(p => p.Reason)));
        Assert.Equivalent(order, read.Document, strict: true);
    }

    public static TheoryData<FunctionalAcknowledgment> Acknowledgments =>
    [
        new FunctionalAcknowledgment("SW", "1201", [new TransactionSetResponse("945", "0001", [], "A", [])], "A", 1, 1, 1, []),
        new FunctionalAcknowledgment("SW", "1202",
        [
            new TransactionSetResponse("945", "0001", [], "A", []),
            new TransactionSetResponse("945", "0002",
            [
                new SegmentNote("W06", 2, null, "8", [new ElementNote(2, null, null, "7", "DA9999")]),
                new SegmentNote("W12", 9, "LX", "8", [new ElementNote(3, null, null, "7", "12"), new ElementNote(8, 1, "234", "7", "SKU-X")]),
                new SegmentNote("W99", 14, null, "6", []),
            ], "R", ["5"]),
        ], "P", 2, 2, 1, []),
        new FunctionalAcknowledgment("SH", "77", [new TransactionSetResponse("856", "0001", [], "R", ["4", "3"])], "R", 1, 1, 0, []),
        new FunctionalAcknowledgment("IB", "5", [], "R", 2, 1, 0, ["5", "4"]),
    ];

    [Theory]
    [MemberData(nameof(Acknowledgments))]
    public void A_997_we_write_reads_back_to_the_same_acknowledgment(FunctionalAcknowledgment ack)
    {
        var text = X12Writer.Write(Header, [new X12GroupContent(X12Codes.AcknowledgmentGroup, 9, [FunctionalAcknowledgment997.Write(ack, "0001")])]);

        var document = X12Parser.Parse(text);

        Assert.Empty(document.EnvelopeErrors);
        var read = FunctionalAcknowledgment997.Read(document.Interchanges[0].Groups[0].TransactionSets[0]);
        Assert.True(read.IsSound);
        Assert.Equivalent(ack, read.Document, strict: true);
    }

    [Fact]
    public void A_TA1_we_write_sits_between_ISA_and_GS_and_reads_back()
    {
        var ta1 = new InterchangeAcknowledgment("000000123", "261128", "0930", "R", "022");
        var text = X12Writer.Write(Header, [], [ta1]);

        var interchange = X12Parser.Parse(text).Interchanges[0];

        var segment = Assert.Single(interchange.Acknowledgments);
        Assert.Equal(["000000123", "261128", "0930", "R", "022"], segment.Elements);
        Assert.Empty(interchange.Groups);
    }

    [Fact]
    public void The_writer_refuses_data_holding_a_separator_and_Clean_makes_text_safe()
    {
        var order = new WarehouseShippingOrder("N", "DA1", "PO*1", null, null, null, []);
        Assert.Throws<ArgumentException>(() => X12Writer.Write(Header, [new X12GroupContent("OW", 1, [WarehouseShippingOrder940.Write(order, "0001")])]));

        Assert.Equal("Apt 4 B c", X12Writer.Clean("Apt 4*B~\n c", 55));
        Assert.Equal("Springfi", X12Writer.Clean("Springfield", 8));
        Assert.Equal(string.Empty, X12Writer.Clean(null, 8));
    }
}
