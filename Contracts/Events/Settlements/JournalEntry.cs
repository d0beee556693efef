namespace Distribution.Aspire.Contracts.Events.Settlements;

/// <summary>
/// A balanced journal entry in one currency. <see cref="DocumentNumber"/> is the external document number the
/// ERP deduplicates on: it is derived from the settlement, so a retry or a replay can never post twice.
/// </summary>
public sealed record JournalEntry(
    string DocumentNumber,
    DateOnly PostingDate,
    string Currency,
    string Description,
    IReadOnlyList<JournalLine> Lines);
