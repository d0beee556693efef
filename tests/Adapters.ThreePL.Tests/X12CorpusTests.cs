using Distribution.Aspire.Adapters.ThreePL.Edi;
using Distribution.Aspire.Adapters.ThreePL.Inbound;

namespace Distribution.Aspire.Adapters.ThreePL.Tests;

/// <summary>Every real X12 document in ../shared/contracts/edi-x12, read at test time as it is.</summary>
public sealed class X12CorpusTests
{
    /// <summary>
    /// Envelope defects the public samples really have (checked by hand against the files). The parser reads them
    /// all; these are what the strict inbound check would refuse, each with its reason.
    /// </summary>
    private static readonly Dictionary<string, string[]> KnownFindings = new(StringComparer.Ordinal)
    {
        ["edi-x12/EDI.Net/test/indice.Edi.Tests/Samples/x12.810a.edi"] = [X12EnvelopeCodes.IsaLength],
        ["edi-x12/EDI.Net/test/indice.Edi.Tests/Samples/x12.850.edi"] = [X12EnvelopeCodes.IeaControlMismatch],
        ["edi-x12/EDI.Net/test/indice.Edi.Tests/Samples/x12.850a.edi"] = [X12EnvelopeCodes.IsaLength, X12EnvelopeCodes.IeaControlMismatch],
        ["edi-x12/gozer/src/test/resources/asn856/asn856.txt"] = [X12EnvelopeCodes.IeaControlMismatch],
        ["edi-x12/gozer/src/test/resources/po850/po850.txt"] = [X12EnvelopeCodes.SeSegmentCount],
        ["edi-x12/stupidedi/spec/fixtures/004010/FA997/pass/1.edi"] = [X12EnvelopeCodes.IsaLength],
        ["edi-x12/stupidedi/spec/fixtures/004010/PO850/pass/1.edi"] = [X12EnvelopeCodes.IsaLength],
    };

    /// <summary>Why each document in a fail folder is refused.</summary>
    private static readonly Dictionary<string, string> FailReasons = new(StringComparer.Ordinal)
    {
        ["edi-x12/stupidedi/spec/fixtures/002001/SH856/fail/1.edi"] = "ISA is 78 characters, not the fixed 106: ISA02 is 1 characters, not 10; ISA04 is 1 characters, not 10; ISA06 is 10 characters, not 15; ISA08 is 10 characters, not 15.",
        ["edi-x12/stupidedi/spec/fixtures/004010/SH856/fail/2.edi"] = "SE01 says 25 segments; transaction set 0000001 has 22 (ST to SE).",
    };

    public static TheoryData<string> Passing => [.. SharedContracts.X12Files().Where(f => !f.Contains("/fail/", StringComparison.Ordinal))];

    public static TheoryData<string> Failing => [.. SharedContracts.X12Files().Where(f => f.Contains("/fail/", StringComparison.Ordinal))];

    [Fact]
    public void The_corpus_is_there_and_every_file_is_classified()
    {
        var files = SharedContracts.X12Files().ToList();
        Assert.True(files.Count >= 20, $"expected the shared X12 corpus, found {files.Count} files");
        Assert.All(files.Where(f => f.Contains("/fail/", StringComparison.Ordinal)), f => Assert.Contains(f, FailReasons.Keys));
    }

    [Theory]
    [MemberData(nameof(Passing))]
    public void Every_shared_document_outside_fail_folders_parses_into_envelopes_and_transaction_sets(string file)
    {
        var document = X12Parser.Parse(SharedContracts.Text(file));

        Assert.NotEmpty(document.Interchanges);
        Assert.All(document.Interchanges, interchange =>
        {
            Assert.NotNull(interchange.Iea);
            Assert.NotEmpty(interchange.Groups);
            Assert.All(interchange.Groups, group =>
            {
                Assert.NotNull(group.Ge);
                Assert.NotEmpty(group.TransactionSets);
                Assert.All(group.TransactionSets, set =>
                {
                    Assert.True(set.HasTrailer);
                    Assert.Matches("^[0-9]{3}$", set.Type);
                    Assert.True(set.Body.Any(), "a transaction set has segments between ST and SE");
                });
            });
        });
        Assert.Equal(KnownFindings.GetValueOrDefault(file, []), document.EnvelopeErrors.Select(e => e.Code));
    }

    [Theory]
    [MemberData(nameof(Failing))]
    public async Task Documents_in_fail_folders_are_rejected_with_a_clear_reason(string file)
    {
        var document = X12Parser.Parse(SharedContracts.Text(file));
        var review = new InterchangeReview(new NoOrders());
        var partner = new PartnerProfile { DefaultLocation = "anywhere" };

        var result = await review.ReviewAsync(document, 0, "corpus", partner, document.Interchanges[0].ReceiverId, CancellationToken.None);

        Assert.Contains(result.Quarantine, q => q.Reason == FailReasons[file]);
        Assert.All(result.Groups, g => Assert.Equal(X12Codes.Rejected, g.Ack!.AckCode));
        Assert.All(result.Groups, g => Assert.Empty(g.Accepted));
    }

    [Fact]
    public void Separators_come_from_the_ISA_whatever_they_are()
    {
        Assert.Equal(new X12Delimiters('|', '>', '~', null), Delimiters("edi-x12/stupidedi/spec/fixtures/004010/IN810/pass/1.edi"));
        Assert.Equal(new X12Delimiters('*', '@', '!', null), Delimiters("edi-x12/stupidedi/spec/fixtures/002001/SH856/fail/1.edi"));
        Assert.Equal(new X12Delimiters('*', '{', '$', null), Delimiters("edi-x12/stupidedi/spec/fixtures/004010/SH856/fail/2.edi"));
        Assert.Equal(new X12Delimiters('*', '`', '\n', null), Delimiters("edi-x12/stupidedi/spec/fixtures/004010/FA997/pass/1.edi"));
        Assert.Equal(new X12Delimiters('*', '>', '\n', null), Delimiters("edi-x12/gozer/src/test/resources/asn856/asn856.txt"));
        Assert.Equal(new X12Delimiters('*', ':', '~', '^'), Delimiters("edi-x12/staedi/src/test/resources/x12/simple997.edi"));
    }

    [Fact]
    public void A_byte_order_mark_indentation_and_an_ISA_wrapped_over_two_lines_are_layout_not_data()
    {
        var wrapped = X12Parser.Parse(SharedContracts.Text("edi-x12/EDI.Net/test/indice.Edi.Tests/Samples/x12.214.edi"));
        Assert.Empty(wrapped.EnvelopeErrors);
        Assert.Equal("MGCTLYST", wrapped.Interchanges[0].ReceiverId);
        Assert.Equal(106, wrapped.Interchanges[0].IsaLength);

        var indented = X12Parser.Parse(SharedContracts.Text("edi-x12/EDI.Net/test/indice.Edi.Tests/Samples/x12.810a.edi"));
        var set = indented.Interchanges[0].Groups[0].TransactionSets[0];
        Assert.Equal("810", set.Type);
        Assert.Equal(64, set.Segments.Count);
        Assert.Contains(set.Segments, s => s.Is("N1") && s[2] == "XYZ Bank");
    }

    [Fact]
    public void Two_interchanges_in_one_file_are_two_interchanges()
    {
        var document = X12Parser.Parse(SharedContracts.Text("edi-x12/node-x12/test/test-data/850_fat.edi"));

        Assert.Equal(2, document.Interchanges.Count);
        Assert.Empty(document.EnvelopeErrors);
    }

    [Theory]
    [InlineData("edi-x12/node-x12/test/test-data/856.edi")]
    [InlineData("edi-x12/gozer/src/test/resources/asn856/asn856.txt")]
    public void The_shared_856s_read_into_shipment_order_and_items(string file)
    {
        var set = X12Parser.Parse(SharedContracts.Text(file)).Interchanges[0].Groups[0].TransactionSets[0];

        var read = ShipNotice856.Read(set);

        Assert.True(read.IsSound, string.Join("; ", read.Problems.Select(p => p.Reason)));
        var notice = read.Document!;
        Assert.Equal("829716", notice.ShipmentIdentification);
        Assert.Equal("XXXX", notice.CarrierScac);
        Assert.Equal(["5787970539"], notice.ShipmentTracking);
        Assert.Equal(new DateTimeOffset(2011, 12, 6, 0, 0, 0, TimeSpan.Zero), notice.ShippedAt);
        var order = Assert.Single(notice.Orders);
        Assert.Equal("99999817", order.OrderReference);
        Assert.Empty(order.Packs);
        Assert.Collection(order.LooseItems,
            item => Assert.Equal(("1", "87787D", "999999310145", 24), (item.LineId, item.ProductIds["VP"], item.ProductIds["UP"], item.QuantityShipped)),
            item => Assert.Equal(("2", "99887D", "999999311746", 6), (item.LineId, item.ProductIds["VP"], item.ProductIds["UP"], item.QuantityShipped)));
    }

    [Fact]
    public void The_shared_997s_read_into_acknowledgments()
    {
        var accepted = FunctionalAcknowledgment997.Read(FirstSet("edi-x12/stupidedi/spec/fixtures/004010/FA997/pass/1.edi"));
        var rejected = FunctionalAcknowledgment997.Read(FirstSet("edi-x12/staedi/src/test/resources/x12/simple997.edi"));

        Assert.True(accepted.IsSound);
        Assert.Equivalent(new FunctionalAcknowledgment("AG", "160", [new TransactionSetResponse("824", "0160", [], "A", [])], "A", 1, 1, 1, []), accepted.Document, strict: true);
        Assert.True(rejected.IsSound);
        Assert.Equivalent(
            new FunctionalAcknowledgment("HC", "000001",
                [new TransactionSetResponse("837", "0021", [new SegmentNote("NM1", 8, null, "8", [new ElementNote(8, null, "66", "7", "MI")])], "R", ["5"])],
                "R", 1, 1, 0, []),
            rejected.Document, strict: true);
    }

    private static X12Delimiters Delimiters(string file) => X12Parser.Parse(SharedContracts.Text(file)).Delimiters;

    private static X12TransactionSet FirstSet(string file) => X12Parser.Parse(SharedContracts.Text(file)).Interchanges[0].Groups[0].TransactionSets[0];

    private sealed class NoOrders : IShipmentOrderLookup
    {
        public Task<ShipmentOrderInfo?> FindAsync(string partnerId, string orderReference, CancellationToken cancellationToken) => Task.FromResult<ShipmentOrderInfo?>(null);
    }
}
