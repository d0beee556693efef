namespace Distribution.Aspire.Contracts.Events.Settlements;

/// <summary>
/// One side of a journal entry. Exactly one of <see cref="Debit"/> and <see cref="Credit"/> is non-zero;
/// amounts are decimal strings (see <see cref="MoneyAmount"/>) so no precision is lost on the wire.
/// </summary>
public sealed record JournalLine(
    string Account,
    string Debit,
    string Credit,
    string Description,
    string? OrderReference);
