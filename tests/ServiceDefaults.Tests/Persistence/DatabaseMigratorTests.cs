using Distribution.Aspire.ServiceDefaults.Persistence;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Distribution.Aspire.ServiceDefaults.Tests.Persistence;

public sealed class DatabaseMigratorTests(TestServers servers)
{
    private static readonly Migration CreateItems = MigrationCatalog.Create(1, "create_items", "CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL)");
    private static readonly Migration AddPrice = MigrationCatalog.Create(2, "add_price", "ALTER TABLE items ADD COLUMN price numeric(19,4)");

    [Fact]
    public async Task Applies_pending_migrations_in_version_order_and_records_each()
    {
        await using var dataSource = NpgsqlDataSource.Create(await servers.CreateDatabaseAsync("migrate"));

        // Handed over out of order on purpose: version order decides, not list order.
        var applied = await Migrator(dataSource).MigrateAsync(MigrationCatalog.Validate([AddPrice, CreateItems]), TestContext.Current.CancellationToken);

        Assert.Equal([1, 2], applied.Select(m => m.Version));
        Assert.Equal(["1:create_items", "2:add_price"], await AppliedAsync(dataSource));
        Assert.Equal(1, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'price'"));
    }

    [Fact]
    public async Task Running_again_applies_nothing_and_changes_nothing()
    {
        await using var dataSource = NpgsqlDataSource.Create(await servers.CreateDatabaseAsync("migrate"));
        var migrator = Migrator(dataSource);
        await migrator.MigrateAsync([CreateItems, AddPrice], TestContext.Current.CancellationToken);

        var second = await migrator.MigrateAsync([CreateItems, AddPrice], TestContext.Current.CancellationToken);

        Assert.Empty(second);
        Assert.Equal(2, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Replicas_migrating_at_once_apply_each_migration_exactly_once()
    {
        var connectionString = await servers.CreateDatabaseAsync("migrate");
        var dataSources = Enumerable.Range(0, 6).Select(_ => NpgsqlDataSource.Create(connectionString)).ToList();
        try
        {
            // CREATE TABLE without IF NOT EXISTS: a second application would fail loudly.
            var runs = await Task.WhenAll(dataSources.Select(ds => Migrator(ds).MigrateAsync([CreateItems, AddPrice], TestContext.Current.CancellationToken)));

            Assert.Equal(2, runs.Sum(applied => applied.Count));
            Assert.Equal(["1:create_items", "2:add_price"], await AppliedAsync(dataSources[0]));
        }
        finally
        {
            foreach (var dataSource in dataSources)
            {
                await dataSource.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Refuses_to_start_when_an_applied_migration_was_edited()
    {
        await using var dataSource = NpgsqlDataSource.Create(await servers.CreateDatabaseAsync("migrate"));
        await Migrator(dataSource).MigrateAsync([CreateItems], TestContext.Current.CancellationToken);
        var edited = MigrationCatalog.Create(1, "create_items", "CREATE TABLE items (id bigint PRIMARY KEY)");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Migrator(dataSource).MigrateAsync([edited, AddPrice], TestContext.Current.CancellationToken));

        Assert.Contains("0001_create_items was changed after it was applied", error.Message, StringComparison.Ordinal);
        Assert.Equal(["1:create_items"], await AppliedAsync(dataSource));
    }

    [Fact]
    public async Task A_failing_migration_is_rolled_back_whole_and_stops_the_ones_after_it()
    {
        await using var dataSource = NpgsqlDataSource.Create(await servers.CreateDatabaseAsync("migrate"));
        var broken = MigrationCatalog.Create(2, "half_done", "CREATE TABLE audit (id integer); ALTER TABLE no_such_table ADD COLUMN x integer;");
        var later = MigrationCatalog.Create(3, "later", "CREATE TABLE later (id integer)");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Migrator(dataSource).MigrateAsync([CreateItems, broken, later], TestContext.Current.CancellationToken));

        Assert.Contains("0002_half_done failed and was rolled back", error.Message, StringComparison.Ordinal);
        Assert.Contains("42P01", error.Message, StringComparison.Ordinal);
        Assert.Equal(["1:create_items"], await AppliedAsync(dataSource));
        Assert.Equal(0, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('audit', 'later')"));
    }

    [Fact]
    public async Task Sets_of_different_scopes_are_numbered_and_recorded_independently()
    {
        await using var dataSource = NpgsqlDataSource.Create(await servers.CreateDatabaseAsync("migrate"));
        var library = new MigrationSet("messaging", [MigrationCatalog.Create(1, "create_outbox", "CREATE TABLE outbox (id integer)")]);

        await Migrator(dataSource).MigrateAsync(library, TestContext.Current.CancellationToken);
        var service = await Migrator(dataSource).MigrateAsync([CreateItems], TestContext.Current.CancellationToken);

        Assert.Single(service);
        Assert.Equal(2L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM schema_migrations WHERE version = 1"));
    }

    [Fact]
    public async Task A_history_from_before_scopes_is_upgraded_and_keeps_the_services_applied_migrations()
    {
        await using var dataSource = NpgsqlDataSource.Create(await servers.CreateDatabaseAsync("migrate"));
        await using (var old = dataSource.CreateCommand(
            $"""
            CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);
            INSERT INTO schema_migrations (version, name, checksum) VALUES (1, 'create_items', '{CreateItems.Checksum}');
            """))
        {
            await old.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var library = new MigrationSet("messaging", [MigrationCatalog.Create(1, "create_outbox", "CREATE TABLE outbox (id integer)")]);
        var libraryApplied = await Migrator(dataSource).MigrateAsync(library, TestContext.Current.CancellationToken);
        var serviceApplied = await Migrator(dataSource).MigrateAsync([CreateItems, AddPrice], TestContext.Current.CancellationToken);

        Assert.Single(libraryApplied);
        Assert.Equal([2], serviceApplied.Select(m => m.Version));
        Assert.Equal(3L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public void Catalog_reads_embedded_scripts_in_version_order()
    {
        var migrations = MigrationCatalog.FromAssembly(typeof(DatabaseMigratorTests).Assembly);

        Assert.Equal(["create_widgets", "add_widget_colour"], migrations.Select(m => m.Name));
        Assert.Equal([1, 2], migrations.Select(m => m.Version));
    }

    [Fact]
    public void Catalog_refuses_two_migrations_with_one_version()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            MigrationCatalog.Validate([CreateItems, MigrationCatalog.Create(1, "other", "SELECT 1")]));

        Assert.Contains("0001 is used twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Checksum_ignores_line_endings_but_not_content()
    {
        var unix = MigrationCatalog.Create(1, "a", "CREATE TABLE t (id int);\nSELECT 1;");
        var windows = MigrationCatalog.Create(1, "a", "CREATE TABLE t (id int);\r\nSELECT 1;\r\n");
        var changed = MigrationCatalog.Create(1, "a", "CREATE TABLE t (id bigint);\nSELECT 1;");

        Assert.Equal(unix.Checksum, windows.Checksum);
        Assert.NotEqual(unix.Checksum, changed.Checksum);
    }

    private static DatabaseMigrator Migrator(NpgsqlDataSource dataSource) => new(dataSource, NullLogger<DatabaseMigrator>.Instance);

    private static async Task<List<string>> AppliedAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT version, name FROM schema_migrations ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync();
        var applied = new List<string>();
        while (await reader.ReadAsync())
        {
            applied.Add($"{reader.GetInt32(0)}:{reader.GetString(1)}");
        }

        return applied;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
