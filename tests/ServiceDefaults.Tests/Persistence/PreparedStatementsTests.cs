using Distribution.Aspire.ServiceDefaults.Persistence;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Distribution.Aspire.ServiceDefaults.Tests.Persistence;

public sealed class PreparedStatementsTests(TestServers servers)
{
    [Fact]
    public async Task A_service_database_prepares_the_statements_it_runs_again_and_again()
    {
        var prepared = await PreparedAfterRepeatsAsync(await servers.CreateDatabaseAsync("prepare"));

        Assert.Contains(prepared, statement => statement.Contains("widgets_prepared_probe", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_connection_string_that_sets_max_auto_prepare_keeps_its_own_value()
    {
        var prepared = await PreparedAfterRepeatsAsync(await servers.CreateDatabaseAsync("prepare") + ";Max Auto Prepare=0");

        Assert.DoesNotContain(prepared, statement => statement.Contains("widgets_prepared_probe", StringComparison.Ordinal));
    }

    /// <summary>Runs one statement ten times on one connection of the service's data source, then lists what that connection has prepared.</summary>
    private static async Task<List<string>> PreparedAfterRepeatsAsync(string connectionString)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["ConnectionStrings:widgetsdb"] = connectionString;
        builder.AddServiceDatabase("widgetsdb", typeof(PreparedStatementsTests).Assembly);
        using var host = builder.Build();
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();

        await using var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        for (var i = 0; i < 10; i++)
        {
            await using var probe = new NpgsqlCommand("SELECT $1::int AS widgets_prepared_probe", connection) { Parameters = { new() { Value = i } } };
            Assert.Equal(i, await probe.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        }

        var statements = new List<string>();
        await using var list = new NpgsqlCommand("SELECT statement FROM pg_prepared_statements", connection);
        await using var reader = await list.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            statements.Add(reader.GetString(0));
        }

        return statements;
    }
}
