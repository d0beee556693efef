using System.Diagnostics;
using Npgsql;
using Xunit;

namespace Distribution.Aspire.TestInfrastructure;

/// <summary>
/// Real PostgreSQL and Redis on loopback for integration tests. test.sh starts one pair per run and
/// passes TEST_POSTGRES_CONNECTION / TEST_REDIS_CONNECTION; without them (a single project run from an
/// IDE) this fixture starts its own pair with the same script and stops it afterwards.
/// </summary>
public sealed class TestServers : IAsyncLifetime
{
    private string? _ownedDirectory;

    public string PostgresConnectionString { get; private set; } = string.Empty;

    public string RedisConnectionString { get; private set; } = string.Empty;

    public async ValueTask InitializeAsync()
    {
        var postgres = Environment.GetEnvironmentVariable("TEST_POSTGRES_CONNECTION");
        var redis = Environment.GetEnvironmentVariable("TEST_REDIS_CONNECTION");
        if (string.IsNullOrEmpty(postgres) || string.IsNullOrEmpty(redis))
        {
            _ownedDirectory = Path.Combine(Path.GetTempPath(), "da-test-" + Guid.NewGuid().ToString("N")[..8]);
            await RunScriptAsync("start", _ownedDirectory);
            var values = (await File.ReadAllLinesAsync(Path.Combine(_ownedDirectory, "env")))
                .Select(line => line.Split('=', 2))
                .ToDictionary(parts => parts[0], parts => parts[1].Trim('\''));
            postgres = values["TEST_POSTGRES_CONNECTION"];
            redis = values["TEST_REDIS_CONNECTION"];
        }

        PostgresConnectionString = postgres;
        RedisConnectionString = redis;
    }

    /// <summary>A new, empty database of its own, so tests never see each other's rows.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)].ToLowerInvariant();
        await using var connection = new NpgsqlConnection(PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownedDirectory is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await RunScriptAsync("stop", _ownedDirectory);
        }
    }

    private static async Task RunScriptAsync(string command, string directory)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "test-servers.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script, command, directory])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"test-servers.sh {command} failed ({process.ExitCode}): {await stderr}");
        }
    }
}
