using Distribution.Aspire.Adapters.ThreePL.Edi;

namespace Distribution.Aspire.Adapters.ThreePL.Tests;

public sealed class X12CorpusProbe(ITestOutputHelper output)
{
    [Fact]
    public void Probe()
    {
        foreach (var file in SharedContracts.X12Files())
        {
            output.WriteLine("== " + file);
            try
            {
                var doc = X12Parser.Parse(SharedContracts.Text(file));
                output.WriteLine($"  delims {X12Tokenizer.Printable(doc.Delimiters.Element)} {X12Tokenizer.Printable(doc.Delimiters.Component)} {X12Tokenizer.Printable(doc.Delimiters.Segment)}; interchanges {doc.Interchanges.Count}; groups {doc.Interchanges.Sum(i => i.Groups.Count)}; sets {string.Join(",", doc.Interchanges.SelectMany(i => i.Groups).SelectMany(g => g.TransactionSets).Select(t => t.Type + ":" + t.Segments.Count))}");
                foreach (var e in doc.EnvelopeErrors)
                {
                    output.WriteLine($"  {e.Level} {e.Code}: {e.Message}");
                }
            }
            catch (X12SyntaxException ex)
            {
                output.WriteLine("  SYNTAX " + ex.Message);
            }
        }
    }
}
