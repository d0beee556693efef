using Npgsql;

namespace Distribution.Aspire.TestInfrastructure;

/// <summary>
/// Whether a statement reads a table whole, from PostgreSQL's own counters: for statements that run against a table
/// whose size swings (a queue, an outbox) with the plan PostgreSQL cached while it was small.
/// </summary>
public static class TableScans
{
    /// <summary>
    /// A connection string for one pooled connection that plans prepared statements generically from their first prepared
    /// run (PostgreSQL does so on its own after five), so the plan is the one made for the table as it is then.
    /// </summary>
    public static string GenericPlansOnOneConnection(string connectionString) =>
        connectionString + ";Maximum Pool Size=1;Max Auto Prepare=16;Auto Prepare Min Usages=2;Options=-c plan_cache_mode=force_generic_plan";

    /// <summary>Sequential scans of <paramref name="table"/> so far, with the counts of both backends published first.</summary>
    /// <param name="measured">A data source of <see cref="GenericPlansOnOneConnection"/>: its one backend ran the statements.</param>
    public static async Task<long> SequentialAsync(NpgsqlDataSource measured, NpgsqlConnection observer, string table, CancellationToken cancellationToken)
    {
        // A backend publishes its counts once idle after this statement, before it answers it.
        const string Flush = "SELECT pg_stat_force_next_flush()";
        await using (var flush = measured.CreateCommand(Flush))
        {
            await flush.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var flush = new NpgsqlCommand(Flush, observer))
        {
            await flush.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = new NpgsqlCommand("SELECT seq_scan FROM pg_stat_user_tables WHERE relname = @table", observer);
        command.Parameters.AddWithValue("table", table);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
