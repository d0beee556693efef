using Npgsql;

namespace Distribution.Aspire.TestInfrastructure;

/// <summary>
/// What vacuum does to a queue table a burst filled and its worker emptied: cutting the empty pages off its end would
/// take an ACCESS EXCLUSIVE lock that every writer of the queue waits behind.
/// </summary>
public static class QueueVacuum
{
    /// <summary>Runs <paramref name="fillSql"/>, empties <paramref name="table"/> and vacuums it; answers its pages before and after the vacuum.</summary>
    public static async Task<(long Before, long After)> EmptyAndVacuumAsync(string connectionString, string table, string fillSql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, fillSql, cancellationToken);
        await ExecuteAsync(connection, $"DELETE FROM {table}", cancellationToken);
        var before = await PagesAsync(connection, table, cancellationToken);
        await ExecuteAsync(connection, $"VACUUM {table}", cancellationToken);
        return (before, await PagesAsync(connection, table, cancellationToken));
    }

    public static async Task<long> PagesAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT pg_relation_size('{table}') / current_setting('block_size')::bigint", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
