using Npgsql;

namespace Distribution.Aspire.Adapters.Shopify.Outbound;

/// <summary>
/// How one attempt at an outbound command ended: done (with what to record alongside the command's removal),
/// parked until its SKU is mapped, not possible yet (back to the queue with back-off, the reason as its last error),
/// or refused for good with a stable code (onto the exceptions list).
/// </summary>
public sealed record OutboundResult(string Outcome, Func<NpgsqlConnection, NpgsqlTransaction, Task>? Record = null, string? RefusalCode = null, string? RefusalReason = null)
{
    public static OutboundResult Done(string outcome, Func<NpgsqlConnection, NpgsqlTransaction, Task>? record = null) => new(outcome, record);

    public static OutboundResult Unmapped() => new("unmapped");

    public static OutboundResult Later(string reason) => new("later", null, null, reason);

    public static OutboundResult Refused(string code, string reason) => new("refused", null, code, reason);
}
