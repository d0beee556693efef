using System.Globalization;
using System.Text.Json;
using Distribution.Aspire.Adapters.Amazon.Notifications;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Distribution.Aspire.Adapters.Amazon.Orders;

/// <summary>
/// Catches orders whose notification never came: searches orders updated since the persisted watermark and
/// stores each one we have not yet seen at that update as a notification of its own, so it takes the same path.
/// </summary>
public sealed class BackupPoller(
    IAmazonOrdersApi ordersApi,
    NpgsqlDataSource database,
    NotificationStore store,
    NotificationSignal signal,
    AmazonTelemetry telemetry,
    TimeProvider time,
    IOptions<AmazonOptions> options,
    ILogger<BackupPoller> logger) : BackgroundService
{
    public const string WatermarkName = "orders";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.BackupPollEnabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PollAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Backup poll of Amazon orders failed; the watermark stays for the next run: {Error}", ex.Message);
            }

            await Task.Delay(TimeSpan.FromSeconds(settings.BackupPollIntervalSeconds), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>One poll: returns how many orders it queued.</summary>
    public async Task<int> PollAsync(CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("orders.poll", System.Diagnostics.ActivityKind.Client);
        var settings = options.Value;
        var now = time.GetUtcNow();
        var before = now.AddSeconds(-settings.BackupPollSettleSeconds);
        var after = await ReadWatermarkAsync(cancellationToken) ?? now.AddMinutes(-settings.BackupPollInitialLookbackMinutes);
        if (before <= after)
        {
            return 0;
        }

        var queued = 0;
        string? token = null;
        do
        {
            var page = await ordersApi.SearchUpdatedAsync(after, before, token, cancellationToken);
            foreach (var header in page.Orders)
            {
                if (await IsKnownAtAsync(header, cancellationToken))
                {
                    continue;
                }

                var id = string.Create(CultureInfo.InvariantCulture, $"poll:{header.AmazonOrderId}:{header.LastUpdated.UtcTicks}");
                var payload = JsonSerializer.Serialize(new { source = "backup-poll", amazonOrderId = header.AmazonOrderId, lastUpdated = header.LastUpdated });
                if (await store.InsertAsync(id, settings.PartnerId, header.AmazonOrderId, "poll", payload, cancellationToken))
                {
                    queued++;
                }
            }

            token = page.NextToken;
        }
        while (token is not null);

        await WriteWatermarkAsync(before, cancellationToken);
        activity?.SetTag("amazon.poll.queued", queued);
        if (queued > 0)
        {
            logger.LogInformation("Backup poll found {Count} Amazon orders without a processed notification", queued);
            signal.Notify();
        }

        return queued;
    }

    private async Task<bool> IsKnownAtAsync(AmazonOrderHeader header, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT 1 FROM amazon_orders WHERE amazon_order_id = $1 AND last_updated >= $2");
        command.Parameters.Add(new() { Value = header.AmazonOrderId });
        command.Parameters.Add(new() { Value = header.LastUpdated });
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private async Task<DateTimeOffset?> ReadWatermarkAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT updated_after FROM poll_watermarks WHERE name = $1");
        command.Parameters.Add(new() { Value = WatermarkName });
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime value ? new DateTimeOffset(value, TimeSpan.Zero) : null;
    }

    private async Task WriteWatermarkAsync(DateTimeOffset value, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            INSERT INTO poll_watermarks (name, updated_after) VALUES ($1, $2)
            ON CONFLICT (name) DO UPDATE SET updated_after = EXCLUDED.updated_after, polled_at = now()
            """);
        command.Parameters.Add(new() { Value = WatermarkName });
        command.Parameters.Add(new() { Value = value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
