using Distribution.Aspire.SettlementService.Domain;

namespace Distribution.Aspire.SettlementService;

/// <summary>
/// Settings under <c>Settlements</c>: limits of the intake, what each channel's lines mean and which fees are
/// expected (<see cref="Channels"/>), and the posting rules that turn lines into journal entries (<see cref="Posting"/>).
/// </summary>
public sealed class SettlementOptions
{
    public const string SectionName = "Settlements";

    /// <summary>The order service's gRPC endpoint, for prices (order events carry none).</summary>
    public Uri OrdersAddress { get; set; } = new("http://_grpc.orderservice");

    public TimeSpan OrdersCallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Reports above this are refused with 413 (the gateway's limit for the amazon group is 16 MiB).</summary>
    public long MaxReportBytes { get; set; } = 16 * 1024 * 1024;

    public int MaxReportLines { get; set; } = 200_000;

    /// <summary>Bytes of a refused report kept for operators.</summary>
    public int MaxStoredRejectedBytes { get; set; } = 1024 * 1024;

    /// <summary>Mismatches listed in one settlement.mismatch_detected event; the rest are in the operators' API.</summary>
    public int MaxMismatchesPerEvent { get; set; } = 200;

    /// <summary>Per channel (<c>amazon</c>, <c>shopify</c>): how lines are read and which fees are expected.</summary>
    public Dictionary<string, ChannelRules> Channels { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public PostingOptions Posting { get; set; } = new();

    public ChannelRules For(string channel) => Channels.GetValueOrDefault(channel) ?? new ChannelRules();
}

public sealed class ChannelRules
{
    /// <summary>Starts the journal's document number (<c>AMZ</c> gives <c>AMZ-&lt;settlement&gt;-USD</c>).</summary>
    public string DocumentPrefix { get; set; } = string.Empty;

    /// <summary>An order's sale or refund matches when it is within this many currency units of what was expected...</summary>
    public decimal ToleranceAmount { get; set; } = 0.01m;

    /// <summary>...or within this percentage of the expected amount, whichever is larger.</summary>
    public decimal TolerancePercent { get; set; }

    /// <summary>What each line is; a line no rule names is a charge (and so must be an expected fee).</summary>
    public List<LineKindRule> LineKinds { get; set; } = [];

    public List<ExpectedFee> Fees { get; set; } = [];
}

/// <summary>Names lines by transaction type, amount type and description (<c>*</c> matches anything; the most specific rule wins).</summary>
public sealed class LineKindRule
{
    public string TransactionType { get; set; } = "*";

    public string AmountType { get; set; } = "*";

    public string AmountDescription { get; set; } = "*";

    /// <summary><c>sale</c> (part of what the buyer paid for an order), <c>refund</c>, <c>fee</c> or <c>other</c> (posted, not reconciled).</summary>
    public string Kind { get; set; } = LineKinds.Fee;
}

/// <summary>
/// A charge the platform expects: per order, <see cref="Percent"/> of the order's base lines (the lines of the
/// same transaction whose description is in <see cref="Base"/>, <c>Principal</c> by default), plus
/// <see cref="PerUnit"/> per unit sold, plus <see cref="Fixed"/>; or, for charges not tied to an order, exactly
/// <see cref="Fixed"/> per line.
/// </summary>
public sealed class ExpectedFee
{
    public string TransactionType { get; set; } = "*";

    public string AmountType { get; set; } = "*";

    public string AmountDescription { get; set; } = "*";

    public decimal Percent { get; set; }

    public decimal PerUnit { get; set; }

    public decimal Fixed { get; set; }

    /// <summary><c>charge</c> (the seller pays: a negative line) or <c>credit</c> (paid back, e.g. commission on a refund).</summary>
    public string Direction { get; set; } = "charge";

    /// <summary><c>merchant</c>, <c>marketplace</c> or <c>*</c>: FBA fees, say, are expected only on marketplace-fulfilled orders.</summary>
    public string FulfillmentChannel { get; set; } = "*";

    public List<string> Base { get; set; } = [];

    /// <summary>Allowed difference in currency units; the channel's tolerance when not set.</summary>
    public decimal? Tolerance { get; set; }

    /// <summary>For charges without an order (subscription fees and the like) rather than per order.</summary>
    public bool Unattached { get; set; }
}

public sealed class PostingOptions
{
    public List<PostingRule> Rules { get; set; } = [];

    /// <summary>Optional: moves the settlement's total from the clearing account to the bank, per channel and currency.</summary>
    public List<DepositRule> Deposits { get; set; } = [];
}

/// <summary>
/// Transaction type + amount type (+ description) → the accounts a positive amount debits and credits, per channel
/// and currency (<c>*</c> for any); a negative amount swaps the sides. The most specific rule wins; a line no rule
/// covers is an exception (<c>unmapped_posting</c>), never a guess.
/// </summary>
public sealed class PostingRule
{
    public string Channel { get; set; } = "*";

    public string Currency { get; set; } = "*";

    public string TransactionType { get; set; } = string.Empty;

    public string AmountType { get; set; } = string.Empty;

    public string AmountDescription { get; set; } = "*";

    public string Debit { get; set; } = string.Empty;

    public string Credit { get; set; } = string.Empty;
}

public sealed class DepositRule
{
    public string Channel { get; set; } = "*";

    public string Currency { get; set; } = "*";

    public string Debit { get; set; } = string.Empty;

    public string Credit { get; set; } = string.Empty;
}
