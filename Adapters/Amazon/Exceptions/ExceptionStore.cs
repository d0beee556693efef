using Npgsql;

namespace Distribution.Aspire.Adapters.Amazon.Exceptions;

/// <summary>Records what an operator must look at, with the raw payload it came from.</summary>
public sealed class ExceptionStore(NpgsqlDataSource database, AmazonTelemetry telemetry)
{
    /// <summary>What is kept of a payload: enough to diagnose, bounded so a huge body cannot fill the table.</summary>
    public const int MaxPayloadChars = 64 * 1024;

    public async Task RecordAsync(
        string code, string source, string? reference, string message, string payload,
        CancellationToken cancellationToken, NpgsqlConnection? connection = null, NpgsqlTransaction? transaction = null)
    {
        const string sql = "INSERT INTO exceptions (code, source, reference, message, payload) VALUES ($1, $2, $3, $4, $5)";
        await using var command = connection is null ? database.CreateCommand(sql) : new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new() { Value = code });
        command.Parameters.Add(new() { Value = source });
        command.Parameters.Add(new() { Value = (object?)reference ?? DBNull.Value });
        command.Parameters.Add(new() { Value = message });
        command.Parameters.Add(new() { Value = payload.Length <= MaxPayloadChars ? payload : payload[..MaxPayloadChars] });
        await command.ExecuteNonQueryAsync(cancellationToken);
        telemetry.Exception(code);
    }

    public async Task<IReadOnlyList<AmazonException>> ListAsync(string? code, string? source, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT id, code, source, reference, message, payload, created_at FROM exceptions
            WHERE ($1::text IS NULL OR code = $1) AND ($2::text IS NULL OR source = $2)
            ORDER BY id DESC LIMIT $3
            """);
        command.Parameters.Add(new() { Value = (object?)code ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)source ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<AmazonException>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new AmazonException(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return list;
    }
}

public sealed record AmazonException(long Id, string Code, string Source, string? Reference, string Message, string Payload, DateTimeOffset CreatedAt);
