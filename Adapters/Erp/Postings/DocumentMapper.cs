using Distribution.Aspire.Adapters.Erp.Connector;
using Distribution.Aspire.Contracts;
using Distribution.Aspire.Contracts.Events.Fulfillment;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Contracts.Events.Settlements;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Erp.Postings;

/// <summary>Events to ERP documents: mapping only. Whether a journal balances or an account exists is the ERP's to say.</summary>
public sealed class DocumentMapper(IOptions<ErpOptions> options)
{
    public static ErpJournal Journal(JournalEntry journal)
    {
        if (string.IsNullOrWhiteSpace(journal.DocumentNumber))
        {
            throw new UnmappableException("The journal has no document number.");
        }

        var lines = journal.Lines.Select((line, i) =>
        {
            var debit = Amount(line.Debit, i, "debit");
            var credit = Amount(line.Credit, i, "credit");
            return new ErpJournalLine(line.Account, debit - credit, line.Description, line.OrderReference);
        }).ToList();
        return new ErpJournal(ExternalDocumentNumbers.For(journal.DocumentNumber), journal.PostingDate, journal.Currency, journal.Description, lines);
    }

    public ErpShipment Shipment(OrderShipped shipped) => new(
        ExternalDocumentNumbers.For(shipped.ShipmentId),
        options.Value.CustomerFor(shipped.Channel),
        ExternalDocumentNumbers.For(shipped.OrderId),
        DateOnly.FromDateTime(shipped.ShippedAt.UtcDateTime),
        shipped.Carrier,
        shipped.TrackingNumber,
        [.. shipped.Lines.Select(l => new ErpItemLine(l.Sku, l.Quantity, $"Line {l.LineId}", null))]);

    public ErpReturnReceipt Return(ReturnReceived received) => new(
        ExternalDocumentNumbers.For(received.ReturnId),
        options.Value.CustomerFor(received.Channel),
        ExternalDocumentNumbers.For(received.OrderId),
        DateOnly.FromDateTime(received.ReceivedAt.UtcDateTime),
        received.LocationId,
        [.. received.Lines.Select(l => new ErpItemLine(l.Sku, l.Quantity, $"Line {l.LineId}", l.Disposition))]);

    private static decimal Amount(string? text, int line, string side) =>
        string.IsNullOrEmpty(text) ? 0m
        : MoneyAmount.TryParse(text, out var amount) ? amount
        : throw new UnmappableException($"Line {line + 1}: the {side} amount '{text}' is not a decimal amount.");
}
