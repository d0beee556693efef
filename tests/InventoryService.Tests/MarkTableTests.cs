using Distribution.Aspire.TestInfrastructure;

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

        var (before, after) = await QueueVacuum.EmptyAndVacuumAsync(
            ConnectionString, table, $"INSERT INTO {table} (sku) SELECT 'VAC-' || g FROM generate_series(1, 20000) g", TestContext.Current.CancellationToken);

        Assert.True(before > 50, $"the burst filled {before} pages");
        Assert.Equal(before, after);
    }
}
