using Npgsql;

namespace Distribution.Aspire.ServiceDefaults.Persistence;

public static class Savepoints
{
    /// <summary>
    /// <c>RELEASE SAVEPOINT</c>, read asynchronously. Npgsql 10.0.3's <see cref="NpgsqlTransaction.ReleaseAsync"/> reads
    /// the server's reply synchronously (it passes <c>async: false</c> to its internal release), so an event handler
    /// calling it holds a thread-pool thread for the round trip; with socket continuations run inline
    /// (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c>) it blocks the very socket thread that must deliver the reply,
    /// and every connection that thread serves stops until the read times out.
    /// </summary>
    public static async Task ReleaseSavepointAsync(this NpgsqlTransaction transaction, string name, CancellationToken cancellationToken)
    {
        await using var release = new NpgsqlCommand($"RELEASE SAVEPOINT {Quote(name)}", transaction.Connection, transaction);
        await release.ExecuteNonQueryAsync(cancellationToken);
    }

    // Savepoint names are identifiers; quoting them as Npgsql's own Save does keeps RELEASE naming the same savepoint.
    private static string Quote(string name) =>
        name.Length > 0 && (name[0] == '_' || char.IsLower(name[0])) && name.All(c => c is '_' or '$' || char.IsLower(c) || char.IsDigit(c))
            ? name
            : $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
