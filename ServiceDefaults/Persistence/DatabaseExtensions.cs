using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
        builder.AddNpgsqlDataSource(connectionName);
        builder.Services.AddSingleton<DatabaseMigrator>();
        builder.Services.AddSingleton(new MigrationSet(MigrationSet.ServiceScope, MigrationCatalog.FromAssembly(migrationsAssembly)));
        builder.Services.AddHostedService<MigrationHostedService>();
        return builder;
    }

    /// <summary>Adds the migrations of a shared library that keeps tables in the service's database.</summary>
    public static IServiceCollection AddMigrationSet(this IServiceCollection services, string scope, Assembly migrationsAssembly)
    {
        services.AddSingleton(new MigrationSet(scope, MigrationCatalog.FromAssembly(migrationsAssembly)));
        return services;
    }
}
