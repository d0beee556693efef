using Distribution.Aspire.Messaging.Publishing;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Npgsql;

namespace Distribution.Aspire.Messaging.TestHost;

public static class WidgetService
{
    public static void Configure(WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase("widgetsdb", typeof(WidgetService).Assembly);
        builder.AddRedisClient("redis");
        builder.Services.AddSingleton<FailurePlan>();
        builder.Services.AddSingleton<CommittedWidgets>();
        builder.Services.AddSingleton<IMessagingCheckpoint, CrashCheckpoint>();
        builder.AddMessaging().AddEventHandler<WidgetMade, WidgetMadeHandler>();
    }

    public static void Map(WebApplication app)
    {
        app.MapMessagingEndpoints();
        app.MapPost("/widgets/{widgetId}/made", async (string widgetId, int count, NpgsqlDataSource database, IEventBus bus, CancellationToken cancellationToken) =>
        {
            await PublishAsync(database, bus, widgetId, 1, count, cancellationToken);
            return TypedResults.NoContent();
        });
    }

    /// <summary>The state change and its events in one transaction: the counter moves and the events exist together.</summary>
    public static async Task PublishAsync(NpgsqlDataSource database, IEventBus bus, string widgetId, int firstSequence, int count, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var upsert = new NpgsqlCommand(
            "INSERT INTO widgets (widget_id, made) VALUES (@id, @count) ON CONFLICT (widget_id) DO UPDATE SET made = widgets.made + @count", connection, transaction))
        {
            upsert.Parameters.AddWithValue("id", widgetId);
            upsert.Parameters.AddWithValue("count", count);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        for (var sequence = firstSequence; sequence < firstSequence + count; sequence++)
        {
            await bus.PublishAsync(new WidgetMade(widgetId, sequence), transaction, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
