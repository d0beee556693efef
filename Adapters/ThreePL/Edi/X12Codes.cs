namespace Distribution.Aspire.Adapters.ThreePL.Edi;

/// <summary>The X12 code values this adapter reads and writes (004010), named.</summary>
public static class X12Codes
{
    public const string Version = "004010";
    public const string InterchangeVersion = "00401";

    // Functional identifier codes (GS01) of the transaction sets we exchange.
    public const string WarehouseShippingOrderGroup = "OW";
    public const string ShippingAdviceGroup = "SW";
    public const string ShipNoticeGroup = "SH";
    public const string InventoryAdviceGroup = "IB";
    public const string AcknowledgmentGroup = "FA";

    public static string? GroupFor(string transactionSet) => transactionSet switch
    {
        "940" => WarehouseShippingOrderGroup,
        "945" => ShippingAdviceGroup,
        "856" => ShipNoticeGroup,
        "846" => InventoryAdviceGroup,
        "997" => AcknowledgmentGroup,
        _ => null,
    };

    // W05-01 order status: the original order, and its cancellation (a 940 whose W05-01 withdraws W05-02).
    public const string OrderOriginal = "N";
    public const string OrderCancellation = "C";

    // Acknowledgment codes (AK501, AK901, TA104).
    public const string Accepted = "A";
    public const string AcceptedWithErrors = "E";
    public const string PartiallyAccepted = "P";
    public const string Rejected = "R";

    /// <summary>AK304 segment syntax error codes.</summary>
    public static class Segment
    {
        public const string Unrecognized = "1";
        public const string Unexpected = "2";
        public const string MandatoryMissing = "3";
        public const string LoopOverMax = "4";
        public const string ExceedsMaxUse = "5";
        public const string NotInTransactionSet = "6";
        public const string OutOfSequence = "7";
        public const string HasDataElementErrors = "8";
    }

    /// <summary>AK403 data element syntax error codes.</summary>
    public static class Element
    {
        public const string MandatoryMissing = "1";
        public const string ConditionalMissing = "2";
        public const string TooMany = "3";
        public const string TooShort = "4";
        public const string TooLong = "5";
        public const string InvalidCharacter = "6";
        public const string InvalidCodeValue = "7";
        public const string InvalidDate = "8";
        public const string InvalidTime = "9";
    }

    /// <summary>AK502+ transaction set syntax error codes.</summary>
    public static class TransactionSet
    {
        public const string NotSupported = "1";
        public const string TrailerMissing = "2";
        public const string ControlNumberMismatch = "3";
        public const string SegmentCountMismatch = "4";
        public const string SegmentsInError = "5";
        public const string InvalidIdentifier = "6";
        public const string InvalidControlNumber = "7";
    }

    /// <summary>AK905+ functional group syntax error codes.</summary>
    public static class Group
    {
        public const string NotSupported = "1";
        public const string VersionNotSupported = "2";
        public const string TrailerMissing = "3";
        public const string ControlNumberMismatch = "4";
        public const string SetCountMismatch = "5";
        public const string ControlNumberSyntax = "6";
    }

    /// <summary>TA105 interchange note codes.</summary>
    public static class Interchange
    {
        public const string NoError = "000";
        public const string ControlNumberMismatch = "001";
        public const string InvalidSenderQualifier = "005";
        public const string InvalidSenderId = "006";
        public const string InvalidReceiverQualifier = "007";
        public const string InvalidReceiverId = "008";
        public const string InvalidDate = "014";
        public const string InvalidTime = "015";
        public const string InvalidVersion = "017";
        public const string InvalidControlNumber = "018";
        public const string InvalidGroupCount = "021";
        public const string InvalidControlStructure = "022";
        public const string PrematureEnd = "023";
        public const string InvalidContent = "024";
        public const string DuplicateControlNumber = "025";

        /// <summary>The TA1 note for an ISA element whose width is wrong (ISA06 → invalid sender id, ...).</summary>
        public static string ForIsaElement(int element) => element switch
        {
            5 => InvalidSenderQualifier,
            6 => InvalidSenderId,
            7 => InvalidReceiverQualifier,
            8 => InvalidReceiverId,
            9 => InvalidDate,
            10 => InvalidTime,
            12 => InvalidVersion,
            13 => InvalidControlNumber,
            _ => InvalidControlStructure,
        };
    }
}
