namespace Distribution.Aspire.Adapters.ThreePL.Inbound;

/// <summary>
/// Stable codes for why something from a 3PL was refused or quarantined: in problem details (<c>code</c>), in
/// the quarantine list, and as the <c>reason</c> metric tag. Published; a code never changes meaning.
/// </summary>
public static class ThreePLReasons
{
    public const string MissingPartner = "unauthorized";
    public const string UnknownPartner = "unknown_partner";
    public const string EmptyBody = "empty_body";
    public const string NulCharacter = "nul_character";
    public const string X12Syntax = "x12_syntax";
    public const string EnvelopeInvalid = "envelope_invalid";
    public const string UnknownSender = "unknown_sender";
    public const string WrongReceiver = "wrong_receiver";
    public const string DuplicateControlNumber = "duplicate_control_number";
    public const string VersionNotSupported = "version_not_supported";
    public const string TransactionSetNotSupported = "transaction_set_not_supported";
    public const string SegmentErrors = "segment_errors";
    public const string UnknownOrderReference = "unknown_order_reference";
    public const string ItemNotOnOrder = "item_not_on_order";
    public const string QuantityExceedsOrder = "quantity_exceeds_order";
    public const string UnknownWarehouse = "unknown_warehouse";
    public const string MalformedEvent = "malformed_event";
    public const string MissingEventId = "missing_event_id";
    public const string UnknownEventType = "unknown_event_type";
    public const string InvalidEvent = "invalid_event";
    public const string ApplyRefused = "apply_refused";
    public const string ApplyFailed = "apply_failed";
    public const string PartnerRejectedOrder = "partner_rejected_order";
    public const string UnknownAcknowledgedGroup = "unknown_acknowledged_group";
}
