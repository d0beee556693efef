namespace Distribution.Aspire.Adapters.ThreePL.Edi;

/// <summary>A 997 for one functional group (AK1 ... AK9).</summary>
public sealed record FunctionalAcknowledgment(
    string FunctionalIdentifier,
    string GroupControlNumber,
    IReadOnlyList<TransactionSetResponse> TransactionSets,
    string AckCode,
    int Included,
    int Received,
    int Accepted,
    IReadOnlyList<string> ErrorCodes);

/// <summary>AK2 ... AK5 for one transaction set.</summary>
public sealed record TransactionSetResponse(
    string TransactionSetIdentifier,
    string ControlNumber,
    IReadOnlyList<SegmentNote> Segments,
    string AckCode,
    IReadOnlyList<string> ErrorCodes);

/// <summary>AK3 (and its AK4s): a segment in error, by id and position in its transaction set (ST = 1).</summary>
public sealed record SegmentNote(string SegmentId, int Position, string? LoopIdentifier, string? ErrorCode, IReadOnlyList<ElementNote> Elements);

/// <summary>AK4: an element in error, by position in its segment, with a copy of the bad data when there is some.</summary>
public sealed record ElementNote(int Position, int? ComponentPosition, string? ReferenceNumber, string ErrorCode, string? BadValue);

/// <summary>TA1: the interchange's own acknowledgment.</summary>
public sealed record InterchangeAcknowledgment(string ControlNumber, string Date, string Time, string AckCode, string NoteCode);
