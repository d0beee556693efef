using Distribution.Aspire.TestInfrastructure;
using Npgsql;

namespace Distribution.Aspire.InventoryService.Tests;

/// <summary>The tables of availability and backorder marks are queues that fill on bursts and empty again.</summary>
public sealed class MarkTableTests(TestServers servers) : InventoryTestBase(servers)
{
    [Theory]
    [InlineData("availability_dirty")]
    [InlineData("backorder_wakeups")]
    public async Task Vacuum_leaves_an_emptied_mark_table_its_pages_instead_of_locking_out_stock_changes(string table)
    {
        // The schema without a replica working on the marks, so nothing but this test touches them.
        await StopReplicaAsync(Host);
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var pagesSql = $"SELECT pg_relation_size('{table}') / current_setting('block_size')::bigint";
        await ExecuteAsync(connection, $"INSERT INTO {table} (sku) SELECT 'VAC-' || g FROM generate_series(1, 20000) g");
        await ExecuteAsync(connection, $"DELETE FROM {table}");
        var pages = await ScalarAsync(connection, pagesSql);

        // Cutting the empty tail off would take an ACCESS EXCLUSIVE lock that every reservation marking a SKU waits behind.
        await ExecuteAsync(connection, $"VACUUM {table}");

        Assert.True(pages > 50, $"the burst filled {pages} pages");
        Assert.Equal(pages, await ScalarAsync(connection, pagesSql));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
