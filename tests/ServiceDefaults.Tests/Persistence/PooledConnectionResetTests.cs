using Distribution.Aspire.ServiceDefaults.Persistence;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Distribution.Aspire.ServiceDefaults.Tests.Persistence;

public sealed class PooledConnectionResetTests(TestServers servers)
{
    [Fact]
    public async Task A_service_database_hands_pooled_connections_on_without_a_session_reset()
    {
        var carried = await SettingSeenByNextRenterAsync(await servers.CreateDatabaseAsync("noreset") + ";Maximum Pool Size=1");

        Assert.Equal("left-behind", carried);
    }

    [Fact]
    public async Task A_connection_string_that_sets_no_reset_on_close_keeps_its_own_value()
    {
        var carried = await SettingSeenByNextRenterAsync(await servers.CreateDatabaseAsync("noreset") + ";Maximum Pool Size=1;No Reset On Close=false");

        Assert.Equal(string.Empty, carried);
    }

    /// <summary>Sets a session setting on the pool's only connection, returns it, and reads the setting on the next rent.</summary>
    private static async Task<string> SettingSeenByNextRenterAsync(string connectionString)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["ConnectionStrings:widgetsdb"] = connectionString;
        builder.AddServiceDatabase("widgetsdb", typeof(PooledConnectionResetTests).Assembly);
        using var host = builder.Build();
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();

        await using (var first = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken))
        {
            await using var set = new NpgsqlCommand("SET distribution.probe = 'left-behind'", first);
            await set.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using var next = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var read = new NpgsqlCommand("SELECT coalesce(current_setting('distribution.probe', true), '')", next);
        return (string)(await read.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
