namespace Distribution.Aspire.SettlementService.Domain;

/// <summary>The settlement as a whole: who paid out what, for which period, in one currency.</summary>
public sealed record SettlementHeader(
    string Channel,
    string PartnerId,
    string ExternalId,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    DateTimeOffset? DepositDate,
    string Currency,
    decimal TotalAmount);

/// <summary>
/// One amount of a settlement. <see cref="OrderReference"/> is the channel's order id (null for charges not tied to
/// an order); <see cref="LineReference"/> is what tells two lines of the same order apart (shipment and item for
/// Amazon, the balance transaction for Shopify), so a line that appears twice is recognised.
/// </summary>
public sealed record SettlementLine(
    int LineNumber,
    string? OrderReference,
    string TransactionType,
    string AmountType,
    string AmountDescription,
    decimal Amount,
    string? Sku,
    int? Quantity,
    DateTimeOffset? PostedAt,
    string? LineReference);

public sealed record CanonicalSettlement(SettlementHeader Header, IReadOnlyList<SettlementLine> Lines);

/// <summary>One thing wrong with a report: where (file line, column) and what.</summary>
public sealed record ReportError(int? Line, string? Column, string Message);
