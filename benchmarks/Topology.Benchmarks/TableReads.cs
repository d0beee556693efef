using Npgsql;

namespace Distribution.Aspire.Topology.Benchmarks;

/// <summary>
/// Block reads (shared-buffer hits and misses) per table across the topology's databases between two snapshots. PostgreSQL's
/// CPU per order is mostly block visits, so the tables visited most per order, and how often by sequential scan, say which
/// statement to look at first: a plan made while a queue table was nearly empty walks every page of it once it has grown.
/// </summary>
public sealed class TableReads(Topology topology)
{
    public static readonly string[] Databases =
        ["gatewaydb", "ordersdb", "inventorydb", "fulfillmentdb", "settlementdb", "amazondb", "shopifydb", "threepldb", "erpdb"];

    private const string Sql = """
        SELECT s.relname, s.seq_scan, coalesce(s.idx_scan, 0),
               coalesce(io.heap_blks_hit, 0) + coalesce(io.heap_blks_read, 0),
               coalesce(io.idx_blks_hit, 0) + coalesce(io.idx_blks_read, 0),
               pg_relation_size(s.relid) / current_setting('block_size')::int
        FROM pg_stat_user_tables s JOIN pg_statio_user_tables io USING (relid)
        """;

    public async Task<Dictionary<string, TableCounters>> SnapshotAsync(CancellationToken cancellation)
    {
        var counters = new Dictionary<string, TableCounters>();
        foreach (var database in Databases)
        {
            await using var connection = new NpgsqlConnection(await topology.ConnectionStringAsync(database, cancellation));
            await connection.OpenAsync(cancellation);
            // Counts reach the shared statistics when a backend is idle, at most a second later (PostgreSQL 15).
            await using var command = new NpgsqlCommand(Sql, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                counters[$"{database}.{reader.GetString(0)}"] = new TableCounters(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
            }
        }

        return counters;
    }

    public static List<TableDelta> Between(Dictionary<string, TableCounters> before, Dictionary<string, TableCounters> after) =>
        after.Select(pair =>
            {
                var was = before.GetValueOrDefault(pair.Key) ?? new TableCounters(0, 0, 0, 0, 0);
                var now = pair.Value;
                return new TableDelta(pair.Key, now.SeqScans - was.SeqScans, now.IndexScans - was.IndexScans, now.HeapBlocks - was.HeapBlocks, now.IndexBlocks - was.IndexBlocks, now.Pages);
            })
            .Where(delta => delta.HeapBlocks + delta.IndexBlocks > 0)
            .OrderByDescending(delta => delta.HeapBlocks + delta.IndexBlocks)
            .ToList();
}

public sealed record TableCounters(long SeqScans, long IndexScans, long HeapBlocks, long IndexBlocks, long Pages);

public sealed record TableDelta(string Table, long SeqScans, long IndexScans, long HeapBlocks, long IndexBlocks, long Pages);
