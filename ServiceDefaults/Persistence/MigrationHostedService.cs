using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Distribution.Aspire.ServiceDefaults.Persistence;

/// <summary>
/// Migrates the service's database while the host starts. Hosted services start before the web
/// server, so the service takes no traffic on a schema it does not expect.
/// </summary>
internal sealed class MigrationHostedService(
    DatabaseMigrator migrator,
    IEnumerable<MigrationSet> sets,
    IConfiguration configuration,
    ILogger<MigrationHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The database server may still be starting (or restarting); wait for it within a bound.
        var timeout = configuration.GetValue("Database:MigrationTimeoutSeconds", 60);
        var deadline = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                foreach (var set in sets)
                {
                    await migrator.MigrateAsync(set, cancellationToken);
                }

                return;
            }
            catch (Exception ex) when (IsTransient(ex) && deadline.Elapsed < TimeSpan.FromSeconds(timeout))
            {
                logger.LogWarning("Database not reachable yet ({Reason}); retrying migrations in {Delay} ms", ex.Message, delay.TotalMilliseconds);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static bool IsTransient(Exception ex) => ex switch
    {
        NpgsqlException { IsTransient: true } => true,
        // 57P03: the server is starting up; 3D000 cannot happen once the AppHost created the database.
        PostgresException { SqlState: "57P03" } => true,
        SocketException => true,
        _ when ex.InnerException is not null => IsTransient(ex.InnerException),
        _ => false,
    };
}
