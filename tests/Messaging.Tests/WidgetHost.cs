using Distribution.Aspire.Messaging.Publishing;
using Distribution.Aspire.Messaging.TestHost;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Distribution.Aspire.Messaging.Tests;

/// <summary>A widget service (the test host's) running in-process on real Postgres, Redis and HTTP.</summary>
public sealed class WidgetHost : IAsyncDisposable
{
    public const string AdminKey = "messaging-admin";

    private WidgetHost(TestWebApp app, string connectionString)
    {
        App = app;
        ConnectionString = connectionString;
    }

    public TestWebApp App { get; }

    public string ConnectionString { get; }

    public NpgsqlDataSource Database => App.App.Services.GetRequiredService<NpgsqlDataSource>();

    public IEventBus Bus => App.App.Services.GetRequiredService<IEventBus>();

    public FailurePlan Failures => App.App.Services.GetRequiredService<FailurePlan>();

    public static Dictionary<string, string?> Settings(string connectionString, string redis, string keyPrefix, string subscription, string consumer) => new()
    {
        ["ConnectionStrings:widgetsdb"] = connectionString,
        ["ConnectionStrings:redis"] = redis,
        ["OTEL_SERVICE_NAME"] = subscription,
        ["Messaging:KeyPrefix"] = keyPrefix,
        ["Messaging:Subscription"] = subscription,
        ["Messaging:ConsumerName"] = consumer,
        ["Messaging:MaxDeliveries"] = "3",
        ["Messaging:RetryBaseDelayMilliseconds"] = "20",
        ["Messaging:PartitionLeaseSeconds"] = "3",
        ["Admin:Key"] = AdminKey,
    };

    /// <param name="overrides">Settings added to (or replacing) <see cref="Settings"/>, such as <c>Messaging:Transport</c>.</param>
    public static async Task<WidgetHost> StartAsync(
        string connectionString, string redis, string keyPrefix, string subscription, string consumer = "replica-1", IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = Settings(connectionString, redis, keyPrefix, subscription, consumer);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = await TestWebApp.StartAsync(
            settings,
            builder =>
            {
                builder.AddServiceDefaults();
                WidgetService.Configure(builder);
            },
            app =>
            {
                app.MapDefaultEndpoints();
                WidgetService.Map(app);
            });
        return new WidgetHost(app, connectionString);
    }

    public Task PublishAsync(string widgetId, int firstSequence, int count) =>
        WidgetService.PublishAsync(Database, Bus, widgetId, firstSequence, count, CancellationToken.None);

    public async Task<List<(string WidgetId, int Sequence, string EventId)>> EffectsAsync()
    {
        await using var command = Database.CreateCommand("SELECT widget_id, sequence, event_id FROM widget_effects ORDER BY handled_order");
        await using var reader = await command.ExecuteReaderAsync();
        var effects = new List<(string, int, string)>();
        while (await reader.ReadAsync())
        {
            effects.Add((reader.GetString(0), reader.GetInt32(1), reader.GetString(2)));
        }

        return effects;
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var command = Database.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}
