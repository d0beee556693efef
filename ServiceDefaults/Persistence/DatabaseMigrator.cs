using Microsoft.Extensions.Logging;
using Npgsql;

namespace Distribution.Aspire.ServiceDefaults.Persistence;

/// <summary>
/// Applies versioned SQL migrations, each in its own transaction together with its bookkeeping row,
/// under a Postgres advisory lock so that replicas starting together apply every change once.
/// </summary>
public sealed class DatabaseMigrator(NpgsqlDataSource dataSource, ILogger<DatabaseMigrator> logger)
{
    // Any constant works; it only has to be the same for every replica of every service.
    private const long LockKey = 0x4449_5354_4D49_4752;

    public Task<IReadOnlyList<Migration>> MigrateAsync(IReadOnlyList<Migration> migrations, CancellationToken cancellationToken) =>
        MigrateAsync(new MigrationSet(MigrationSet.ServiceScope, migrations), cancellationToken);

    public async Task<IReadOnlyList<Migration>> MigrateAsync(MigrationSet set, CancellationToken cancellationToken)
    {
        var (scope, migrations) = (set.Scope, set.Migrations);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({LockKey})", cancellationToken);
        try
        {
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    scope      text        NOT NULL DEFAULT 'service',
                    version    integer     NOT NULL,
                    name       text        NOT NULL,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (scope, version)
                )
                """, cancellationToken);

            // Databases created before migration sets had scopes keyed their history by version alone: those
            // rows are the service's own, and the key must include the scope before a library set can record.
            await ExecuteAsync(connection, """
                ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS scope text NOT NULL DEFAULT 'service';
                DO $$
                BEGIN
                    IF (SELECT array_length(i.indkey::int2[], 1) FROM pg_index i WHERE i.indrelid = 'schema_migrations'::regclass AND i.indisprimary) = 1 THEN
                        ALTER TABLE schema_migrations DROP CONSTRAINT schema_migrations_pkey;
                        ALTER TABLE schema_migrations ADD PRIMARY KEY (scope, version);
                    END IF;
                END $$;
                """, cancellationToken);

            var applied = await ReadAppliedAsync(connection, scope, cancellationToken);
            foreach (var (version, (name, checksum)) in applied)
            {
                var known = migrations.FirstOrDefault(m => m.Version == version);
                if (known is null)
                {
                    // A newer release already migrated this database; expand-only migrations keep it usable.
                    logger.LogWarning("Database has {Scope} migration {Version:D4}_{Name}, which this build does not know", scope, version, name);
                }
                else if (known.Checksum != checksum)
                {
                    throw new InvalidOperationException(
                        $"{Label(scope, version, known.Name)} was changed after it was applied to this database. " +
                        "Applied migrations are immutable: revert the edit and add a new migration instead.");
                }
            }

            var pending = migrations.Where(m => !applied.ContainsKey(m.Version)).OrderBy(m => m.Version).ToList();
            foreach (var migration in pending)
            {
                await ApplyAsync(connection, scope, migration, cancellationToken);
                logger.LogInformation("Applied {Scope} migration {Version:D4}_{Name} to {Database}", scope, migration.Version, migration.Name, connection.Database);
            }

            return pending;
        }
        finally
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None);
        }
    }

    private static async Task ApplyAsync(NpgsqlConnection connection, string scope, Migration migration, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await using (var script = new NpgsqlCommand(migration.Sql, connection, transaction))
            {
                await script.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var record = new NpgsqlCommand(
                "INSERT INTO schema_migrations (scope, version, name, checksum) VALUES (@scope, @version, @name, @checksum)", connection, transaction);
            record.Parameters.AddWithValue("scope", scope);
            record.Parameters.AddWithValue("version", migration.Version);
            record.Parameters.AddWithValue("name", migration.Name);
            record.Parameters.AddWithValue("checksum", migration.Checksum);
            await record.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException ex)
        {
            throw new InvalidOperationException(
                $"{Label(scope, migration.Version, migration.Name)} failed and was rolled back: {ex.MessageText} (SQLSTATE {ex.SqlState})", ex);
        }
    }

    private static string Label(string scope, int version, string name) =>
        (scope == MigrationSet.ServiceScope ? "Migration" : $"The {scope} migration") + $" {version:D4}_{name}";

    private static async Task<Dictionary<int, (string Name, string Checksum)>> ReadAppliedAsync(NpgsqlConnection connection, string scope, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, (string, string)>();
        await using var command = new NpgsqlCommand("SELECT version, name, checksum FROM schema_migrations WHERE scope = @scope", connection);
        command.Parameters.AddWithValue("scope", scope);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[reader.GetInt32(0)] = (reader.GetString(1), reader.GetString(2));
        }

        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
