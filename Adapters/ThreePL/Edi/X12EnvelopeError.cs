namespace Distribution.Aspire.Adapters.ThreePL.Edi;

public enum X12ErrorLevel
{
    Interchange,
    Group,
    TransactionSet,
}

/// <summary>
/// Something wrong with the envelope, precise enough to act on: which interchange (by index in the text), group
/// and transaction set (by control number), the segment position, and a stable <see cref="Code"/>
/// (<see cref="X12EnvelopeCodes"/>) from which the TA1/997 codes are derived.
/// </summary>
public sealed record X12EnvelopeError(
    X12ErrorLevel Level,
    string Code,
    string Message,
    int SegmentPosition,
    int InterchangeIndex,
    string? GroupControlNumber = null,
    string? TransactionControlNumber = null);

public static class X12EnvelopeCodes
{
    public const string IsaLength = "isa_length";
    public const string IsaControlNumber = "isa_control_number";
    public const string IeaMissing = "iea_missing";
    public const string IeaGroupCount = "iea_group_count";
    public const string IeaControlMismatch = "iea_control_mismatch";
    public const string OutsideEnvelope = "segment_outside_envelope";
    public const string GeMissing = "ge_missing";
    public const string GeTransactionCount = "ge_transaction_count";
    public const string GeControlMismatch = "ge_control_mismatch";
    public const string OutsideTransaction = "segment_outside_transaction";
    public const string SeMissing = "se_missing";
    public const string SeSegmentCount = "se_segment_count";
    public const string SeControlMismatch = "se_control_mismatch";
}
