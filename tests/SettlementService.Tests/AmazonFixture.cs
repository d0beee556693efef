using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.SettlementService.Tests;

/// <summary>
/// The settlement and order services for the Amazon report tests. Beyond the shipped rules it expects one charge no
/// posting rule covers (<c>other-transaction/Misc</c>, a 5.00 credit), and it refuses reports over 64 KiB.
/// </summary>
public sealed class AmazonFixture(TestServers servers) : SettlementHost(servers)
{
    public const int MaxReportBytes = 64 * 1024;

    protected override Dictionary<string, string?> ExtraSettings => new()
    {
        ["Settlements:MaxReportBytes"] = MaxReportBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Settlements:Channels:amazon:Fees:20:TransactionType"] = "other-transaction",
        ["Settlements:Channels:amazon:Fees:20:AmountType"] = "other-transaction",
        ["Settlements:Channels:amazon:Fees:20:AmountDescription"] = "Misc",
        ["Settlements:Channels:amazon:Fees:20:Fixed"] = "5.00",
        ["Settlements:Channels:amazon:Fees:20:Direction"] = "credit",
        ["Settlements:Channels:amazon:Fees:20:Unattached"] = "true",
    };
}
