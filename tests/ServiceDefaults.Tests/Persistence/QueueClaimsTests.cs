using Distribution.Aspire.ServiceDefaults.Persistence;
using Distribution.Aspire.TestInfrastructure;
using Npgsql;

namespace Distribution.Aspire.ServiceDefaults.Tests.Persistence;

public sealed class QueueClaimsTests(TestServers servers)
{
    private const string Claim = """
        UPDATE jobs SET leased_until = now() + @lease
        WHERE job_id = (SELECT job_id FROM jobs WHERE status = 'pending' AND next_attempt_at <= now() AND (leased_until IS NULL OR leased_until < now())
            ORDER BY next_attempt_at, job_id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING job_id
        """;

    [Fact]
    public async Task Claims_planned_while_the_queue_was_one_page_use_its_index_once_it_has_grown()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var connectionString = await servers.CreateDatabaseAsync("claims");
        await using var admin = new NpgsqlConnection(connectionString);
        await admin.OpenAsync(cancellation);
        await ExecuteAsync(admin, """
            CREATE TABLE jobs (job_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, status text NOT NULL DEFAULT 'pending',
                next_attempt_at timestamptz NOT NULL DEFAULT now(), leased_until timestamptz NULL, payload text NOT NULL DEFAULT repeat('x', 200))
                WITH (autovacuum_enabled = false);
            CREATE INDEX jobs_due_idx ON jobs (next_attempt_at) WHERE status = 'pending';
            INSERT INTO jobs DEFAULT VALUES;
            INSERT INTO jobs DEFAULT VALUES;
            INSERT INTO jobs DEFAULT VALUES;
            ANALYZE jobs;
            """);
        await using var database = NpgsqlDataSource.Create(TableScans.GenericPlansOnOneConnection(connectionString));

        // Plans made and cached for a one-page queue: by a claim on its own, on a connection, and inside a transaction.
        for (var i = 0; i < 4; i++)
        {
            Assert.NotNull(await ClaimAloneAsync(database, cancellation));
            Assert.NotNull(await ClaimOnConnectionAsync(database, cancellation));
            Assert.NotNull(await ClaimInTransactionAsync(database, cancellation));
            await ExecuteAsync(admin, "UPDATE jobs SET leased_until = NULL");
        }

        await ExecuteAsync(admin, "INSERT INTO jobs (next_attempt_at) SELECT now() - interval '1 hour' FROM generate_series(1, 20000)");
        var scansBefore = await TableScans.SequentialAsync(database, admin, "jobs", cancellation);

        long?[] claimed = [
            await ClaimAloneAsync(database, cancellation),
            await ClaimOnConnectionAsync(database, cancellation),
            await ClaimInTransactionAsync(database, cancellation),
        ];

        Assert.All(claimed, id => Assert.NotNull(id));
        Assert.Equal(3, claimed.Distinct().Count());
        Assert.Equal(scansBefore, await TableScans.SequentialAsync(database, admin, "jobs", cancellation));
    }

    [Fact]
    public async Task A_claim_inside_a_transaction_leaves_the_rest_of_it_planned_as_usual()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var database = NpgsqlDataSource.Create(await servers.CreateDatabaseAsync("claims"));
        await using var connection = await database.OpenConnectionAsync(cancellation);
        await ExecuteAsync(connection, "CREATE TABLE jobs (job_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, status text NOT NULL DEFAULT 'pending', next_attempt_at timestamptz NOT NULL DEFAULT now(), leased_until timestamptz NULL); INSERT INTO jobs DEFAULT VALUES");
        await using var transaction = await connection.BeginTransactionAsync(cancellation);

        await using (var batch = connection.CreateClaim(transaction, ClaimCommand()))
        await using (var reader = await batch.ExecuteClaimReaderAsync(cancellation))
        {
            Assert.True(await reader.ReadAsync(cancellation));
        }

        await using var setting = new NpgsqlCommand("SHOW enable_seqscan", connection, transaction);
        Assert.Equal("on", await setting.ExecuteScalarAsync(cancellation));
    }

    private static NpgsqlBatchCommand ClaimCommand() => new(Claim) { Parameters = { new("lease", TimeSpan.FromMinutes(1)) } };

    private static async Task<long?> ClaimAloneAsync(NpgsqlDataSource database, CancellationToken cancellation)
    {
        await using var batch = database.CreateClaim(ClaimCommand());
        await using var reader = await batch.ExecuteClaimReaderAsync(cancellation);
        return await reader.ReadAsync(cancellation) ? reader.GetInt64(0) : null;
    }

    private static async Task<long?> ClaimOnConnectionAsync(NpgsqlDataSource database, CancellationToken cancellation)
    {
        await using var connection = await database.OpenConnectionAsync(cancellation);
        await using var batch = connection.CreateClaim(null, ClaimCommand());
        await using var reader = await batch.ExecuteClaimReaderAsync(cancellation);
        return await reader.ReadAsync(cancellation) ? reader.GetInt64(0) : null;
    }

    private static async Task<long?> ClaimInTransactionAsync(NpgsqlDataSource database, CancellationToken cancellation)
    {
        await using var connection = await database.OpenConnectionAsync(cancellation);
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        long? claimed;
        await using (var batch = connection.CreateClaim(transaction, ClaimCommand()))
        await using (var reader = await batch.ExecuteClaimReaderAsync(cancellation))
        {
            claimed = await reader.ReadAsync(cancellation) ? reader.GetInt64(0) : null;
        }

        await transaction.CommitAsync(cancellation);
        return claimed;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
