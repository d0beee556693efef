using Npgsql;

namespace Distribution.Aspire.ServiceDefaults.Persistence;

/// <summary>
/// Claims from a work-queue table (due rows, oldest first, <c>FOR UPDATE SKIP LOCKED</c>), planned with sequential scans off.
/// A queue swings between one page and thousands (a partner outage, a burst), and the plan PostgreSQL keeps for a prepared
/// claim is made for the table as it was: on an empty or one-page queue that is a sequential scan and a sort, which it
/// then keeps while the queue grows, until analyze next runs on the table (up to minutes), walking every page on every
/// claim just when there is most to drain (19 ms a claim at 30,000 queued). With sequential scans off while the claim is
/// planned, the plan is always the queue's index. The outbox relay does the same in its own round trip (<c>OutboxRelay</c>),
/// where the setting shares a statement with its <c>synchronous_commit</c>.
/// </summary>
public static class QueueClaims
{
    private const string IndexPlansSql = "SELECT set_config('enable_seqscan', 'off', true)";
    private const string DefaultPlansSql = "SELECT set_config('enable_seqscan', 'on', true)";

    /// <summary>The claim as its own implicit transaction, in one round trip.</summary>
    public static NpgsqlBatch CreateClaim(this NpgsqlDataSource database, NpgsqlBatchCommand claim)
    {
        var batch = database.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(IndexPlansSql));
        batch.BatchCommands.Add(claim);
        return batch;
    }

    /// <summary>
    /// The claim inside <paramref name="transaction"/> (or, without one, as its own implicit transaction), in one round trip;
    /// what the transaction runs afterwards is planned as usual.
    /// </summary>
    public static NpgsqlBatch CreateClaim(this NpgsqlConnection connection, NpgsqlTransaction? transaction, NpgsqlBatchCommand claim) =>
        new(connection, transaction)
        {
            BatchCommands = { new NpgsqlBatchCommand(IndexPlansSql), claim, new NpgsqlBatchCommand(DefaultPlansSql) },
        };

    /// <summary>Runs a batch made by either <c>CreateClaim</c>; the reader is on the claim's rows.</summary>
    public static async Task<NpgsqlDataReader> ExecuteClaimReaderAsync(this NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        return reader;
    }
}
