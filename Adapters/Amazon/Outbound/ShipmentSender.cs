using System.Text.Json;
using Distribution.Aspire.Adapters.Amazon.Exceptions;
using Distribution.Aspire.Adapters.Amazon.Orders;
using Distribution.Aspire.Adapters.Amazon.SpApi;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Distribution.Aspire.Adapters.Amazon.Outbound;

/// <summary>
/// Confirms queued shipments to Amazon with carrier and tracking (Orders API v0 <c>confirmShipment</c>; the
/// 2026-01-01 version has no shipment operation). Failures that pass keep the confirmation queued.
/// </summary>
public sealed class ShipmentSender(
    NpgsqlDataSource database,
    ShipmentSignal signal,
    SpApiClient spApi,
    ExceptionStore exceptions,
    AmazonTelemetry telemetry,
    IOptions<AmazonOptions> options,
    ILogger<ShipmentSender> logger) : BackgroundService
{
    /// <summary>Carrier codes Amazon knows, by the names fulfillment reports; anything else is "Other" with its name.</summary>
    private static readonly Dictionary<string, string> CarrierCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UPS"] = "UPS",
        ["USPS"] = "USPS",
        ["FedEx"] = "FedEx",
        ["FEDEX"] = "FedEx",
        ["DHL"] = "DHL",
        ["DHL eCommerce"] = "DHL eCommerce",
        ["OnTrac"] = "OnTrac",
        ["Amazon Shipping"] = "Amazon Shipping",
        ["Royal Mail"] = "Royal Mail",
        ["Canada Post"] = "Canada Post",
    };

    public static (string Code, string? Name) Carrier(string carrier) =>
        CarrierCodes.TryGetValue(carrier.Trim(), out var code) ? (code, null) : ("Other", string.IsNullOrWhiteSpace(carrier) ? "Unknown" : carrier.Trim());

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.SendOutbound)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claimed = await ClaimAsync(stoppingToken);
                if (claimed.Count == 0)
                {
                    await signal.WaitAsync(TimeSpan.FromMilliseconds(settings.IdlePollMilliseconds), stoppingToken);
                    continue;
                }

                foreach (var shipment in claimed)
                {
                    await ConfirmAsync(shipment, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Confirming Amazon shipments failed; retrying shortly");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task ConfirmAsync(QueuedShipment shipment, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("shipment.confirm", System.Diagnostics.ActivityKind.Client);
        activity?.SetTag("amazon.order_id", shipment.AmazonOrderId);
        var (code, name) = Carrier(shipment.Carrier);
        var request = new ConfirmShipmentRequest(
            string.IsNullOrEmpty(shipment.MarketplaceId) ? options.Value.MarketplaceId : shipment.MarketplaceId,
            new PackageDetail(shipment.ShipmentId, code, name, shipment.TrackingNumber, shipment.ShippedAt, shipment.Items));
        try
        {
            using var response = await spApi.SendRawAsync(
                SpApiOperation.ConfirmShipmentV0, HttpMethod.Post,
                $"/orders/v0/orders/{Uri.EscapeDataString(shipment.AmazonOrderId)}/shipmentConfirmation", request, cancellationToken);
            await FinishAsync(shipment.ShipmentId, confirmed: true, null, cancellationToken);
            telemetry.Shipment("confirmed");
        }
        catch (SpApiException ex) when (!ex.IsTransient)
        {
            await exceptions.RecordAsync(AmazonProblemCodes.ShipmentRejected, "shipment", shipment.AmazonOrderId, ex.Message,
                JsonSerializer.Serialize(request, SpApiClient.Json), cancellationToken);
            await FinishAsync(shipment.ShipmentId, confirmed: false, ex.Message, cancellationToken);
            telemetry.Shipment("rejected");
        }
        catch (Exception ex) when (OrderIngestor.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
        {
            await using var command = database.CreateCommand(
                "UPDATE shipment_confirmations SET lease_until = NULL, next_attempt_at = now() + $2, last_error = $3 WHERE shipment_id = $1");
            command.Parameters.Add(new() { Value = shipment.ShipmentId });
            command.Parameters.Add(new() { Value = OrderIngestor.RetryDelay(shipment.Attempts, options.Value.MaxRetryDelaySeconds) });
            command.Parameters.Add(new() { Value = ex.Message });
            await command.ExecuteNonQueryAsync(CancellationToken.None);
            telemetry.Shipment("deferred");
        }
    }

    private async Task FinishAsync(string shipmentId, bool confirmed, string? error, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            UPDATE shipment_confirmations SET pending = false, lease_until = NULL, last_error = $3,
                confirmed_at = CASE WHEN $2 THEN now() ELSE NULL END
            WHERE shipment_id = $1
            """);
        command.Parameters.Add(new() { Value = shipmentId });
        command.Parameters.Add(new() { Value = confirmed });
        command.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<QueuedShipment>> ClaimAsync(CancellationToken cancellationToken)
    {
        var command = new NpgsqlBatchCommand("""
            UPDATE shipment_confirmations s SET lease_until = now() + $1, attempts = s.attempts + 1
            FROM (
                SELECT shipment_id FROM shipment_confirmations
                WHERE pending AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
                ORDER BY next_attempt_at LIMIT 20 FOR UPDATE SKIP LOCKED
            ) due
            WHERE s.shipment_id = due.shipment_id
            RETURNING s.shipment_id, s.amazon_order_id, s.marketplace_id, s.carrier, s.tracking_number, s.shipped_at, s.items::text, s.attempts
            """);
        command.Parameters.Add(new() { Value = TimeSpan.FromSeconds(options.Value.LeaseSeconds) });
        await using var claim = database.CreateClaim(command);
        await using var reader = await claim.ExecuteClaimReaderAsync(cancellationToken);
        var claimed = new List<QueuedShipment>();
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new QueuedShipment(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5),
                JsonSerializer.Deserialize<List<ConfirmShipmentOrderItem>>(reader.GetString(6), SpApiClient.Json) ?? [],
                reader.GetInt32(7)));
        }

        return claimed;
    }

    private sealed record QueuedShipment(
        string ShipmentId, string AmazonOrderId, string MarketplaceId, string Carrier, string TrackingNumber, DateTimeOffset ShippedAt,
        IReadOnlyList<ConfirmShipmentOrderItem> Items, int Attempts);
}
