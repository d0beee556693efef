using System.Data.Common;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Distribution.Aspire.ServiceDefaults.Persistence;

public static class DatabaseExtensions
{
    /// <summary>
    /// Registers the service's own Postgres database (connection string <paramref name="connectionName"/>,
    /// with health check, tracing and metrics) and migrates it from the assembly's embedded
    /// <c>Migrations/NNNN_name.sql</c> scripts before the service takes traffic.
    /// </summary>
    public static TBuilder AddServiceDatabase<TBuilder>(this TBuilder builder, string connectionName, Assembly migrationsAssembly)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddNpgsqlDataSource(connectionName, configureDataSourceBuilder: dataSource => UseServiceDefaults(dataSource, builder.Configuration.GetConnectionString(connectionName)));
        builder.Services.AddSingleton<DatabaseMigrator>();
        builder.Services.AddSingleton(new MigrationSet(MigrationSet.ServiceScope, MigrationCatalog.FromAssembly(migrationsAssembly)));
        builder.Services.AddHostedService<MigrationHostedService>();
        return builder;
    }

    /// <summary>
    /// A service runs the same few dozen statements thousands of times; unprepared, PostgreSQL parses and plans each
    /// one every time (a tenth of its CPU on the order path). Npgsql prepares a statement on a connection after a few
    /// uses. A connection returned to the pool would then have its session reset by seven statements prepended to the
    /// next command (<c>DISCARD ALL</c> would drop the prepared statements), a third of all statements on the order
    /// path; nothing here leaves session state behind (settings are <c>SET LOCAL</c>, session advisory locks are
    /// released in <c>finally</c> blocks, no <c>LISTEN</c>, no temporary tables), so connections go back unreset. A
    /// connection string that sets <c>Max Auto Prepare</c> (0 turns it off) or <c>No Reset On Close</c> keeps its value.
    /// </summary>
    internal static void UseServiceDefaults(NpgsqlDataSourceBuilder dataSource, string? connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString ?? string.Empty };
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            dataSource.ConnectionStringBuilder.MaxAutoPrepare = AutoPreparedStatements;
        }

        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            dataSource.ConnectionStringBuilder.NoResetOnClose = true;
        }
    }

    private const int AutoPreparedStatements = 128;

    /// <summary>Adds the migrations of a shared library that keeps tables in the service's database.</summary>
    public static IServiceCollection AddMigrationSet(this IServiceCollection services, string scope, Assembly migrationsAssembly)
    {
        services.AddSingleton(new MigrationSet(scope, MigrationCatalog.FromAssembly(migrationsAssembly)));
        return services;
    }
}
