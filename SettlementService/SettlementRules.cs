using Distribution.Aspire.SettlementService.Domain;

namespace Distribution.Aspire.SettlementService;

/// <summary>Start-up checks of the settlement configuration: a rule that cannot mean anything stops the service rather than misposting.</summary>
public static class SettlementRules
{
    public const string Description =
        "Settlements configuration is invalid: line kinds must be sale, refund, fee or other; fee directions charge or credit with non-negative amounts; " +
        "every posting rule needs a transaction type, an amount type and both accounts; every deposit rule both accounts.";

    public static bool AreValid(SettlementOptions options) =>
        options.Channels.Values.All(channel =>
            channel.ToleranceAmount >= 0 && channel.TolerancePercent >= 0
            && channel.LineKinds.All(k => LineKinds.IsKnown(k.Kind))
            && channel.Fees.All(f => f.Direction is "charge" or "credit" && f.Percent >= 0 && f.PerUnit >= 0 && f.Fixed >= 0 && f.Tolerance is null or >= 0))
        && options.Posting.Rules.All(r => !string.IsNullOrWhiteSpace(r.TransactionType) && !string.IsNullOrWhiteSpace(r.AmountType)
                                          && !string.IsNullOrWhiteSpace(r.Debit) && !string.IsNullOrWhiteSpace(r.Credit))
        && options.Posting.Deposits.All(d => !string.IsNullOrWhiteSpace(d.Debit) && !string.IsNullOrWhiteSpace(d.Credit));
}
