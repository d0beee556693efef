using System.Globalization;
using System.Text.Json;
using Distribution.Aspire.Adapters.Shopify.Exceptions;
using Distribution.Aspire.Adapters.Shopify.Outbound;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.Adapters.Shopify.Payouts;

/// <summary>
/// Reads the shop's paid Shopify Payments payouts after the newest one already taken, each with its balance
/// transactions (and, for charges, the order's tax and shipping), maps it to a canonical settlement and queues it
/// for the settlement service on the durable outbound queue, in one transaction with the record that it was taken.
/// The outbound worker forwards it; an outage of the settlement service delays it, loses nothing.
/// </summary>
public sealed class PayoutPoller(
    ShopifyAdminClient shopify,
    NpgsqlDataSource database,
    OutboundSignal signal,
    ExceptionStore exceptions,
    ShopifyTelemetry telemetry,
    IOptions<PayoutOptions> options,
    ILogger<PayoutPoller> logger) : BackgroundService
{
    private const int PageSize = 250;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.PollInterval;
        if (interval <= TimeSpan.Zero)
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
                logger.LogWarning("Shopify payouts could not be read: {Error}; trying again in {Interval}", ex.Message, interval);
            }

            await Task.Delay(interval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>One pass: every paid payout after the newest taken. Returns how many were queued.</summary>
    public async Task<int> PollAsync(CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("payouts.poll");
        var queued = 0;
        var sinceId = await NewestTakenAsync(cancellationToken);
        var dateMin = DateTime.UtcNow.AddDays(-options.Value.InitialLookbackDays).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        while (true)
        {
            var page = (await shopify.GetAsync<PayoutsEnvelope>(
                $"shopify_payments/payouts.json?status=paid&since_id={sinceId}&limit={PageSize}" + (sinceId == 0 ? $"&date_min={dateMin}" : string.Empty),
                "payouts.list", cancellationToken)).Payouts;
            foreach (var payout in page.OrderBy(p => p.Id))
            {
                queued += await TakeAsync(payout, cancellationToken) ? 1 : 0;
                sinceId = Math.Max(sinceId, payout.Id);
            }

            if (page.Count < PageSize)
            {
                break;
            }
        }

        activity?.SetTag("shopify.payouts", queued);
        return queued;
    }

    private async Task<bool> TakeAsync(ShopifyPayout payout, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("payouts.take");
        activity?.SetTag("shopify.payout_id", payout.Id);
        var transactions = await TransactionsAsync(payout.Id, cancellationToken);
        var orders = new Dictionary<long, PayoutOrder>();
        foreach (var orderId in transactions.Where(t => t.Type == "charge").Select(t => t.SourceOrderId).OfType<long>().Distinct())
        {
            try
            {
                orders[orderId] = (await shopify.GetAsync<PayoutOrderEnvelope>(
                    $"orders/{orderId}.json?fields=id,total_price,total_tax,total_shipping_price_set", "orders.get", cancellationToken)).Order;
            }
            catch (ShopifyApiException ex) when (!ex.Transient)
            {
                // Without the order its charge stays whole; reconciliation then shows what does not add up.
                logger.LogWarning("Order {OrderId} of payout {PayoutId} could not be read: {Error}", orderId, payout.Id, ex.Message);
            }
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var partnerId = options.Value.PartnerId is { Length: > 0 } configured ? configured : await PartnerOfAsync(connection, transaction, orders.Keys, cancellationToken);
        string status;
        try
        {
            var request = PayoutMapper.Map(payout, transactions, orders, partnerId);
            await using var queue = new NpgsqlCommand("""
                INSERT INTO outbound_commands (kind, coalesce_key, payload) VALUES (@kind, @key, @payload) ON CONFLICT (coalesce_key) DO NOTHING
                """, connection, transaction);
            queue.Parameters.AddWithValue("kind", OutboundKinds.ForwardPayout);
            queue.Parameters.AddWithValue("key", $"payout:{payout.Id}");
            queue.Parameters.AddWithValue("payload", NpgsqlDbType.Jsonb, JsonFormatter.Default.Format(request));
            await queue.ExecuteNonQueryAsync(cancellationToken);
            status = "queued";
        }
        catch (PayoutMappingException ex)
        {
            status = "unmappable";
            var body = JsonSerializer.SerializeToUtf8Bytes(new { payout, transactions }, ShopifyAdminClient.Json);
            await exceptions.RecordAsync(new NewException(ExceptionStage.Mapping, ShopifyCodes.InvalidMoney, ex.Message, PartnerId: partnerId, Body: body, BodyBytes: body.Length),
                connection, transaction, cancellationToken);
        }

        await using (var record = new NpgsqlCommand("""
            INSERT INTO shopify_payouts (payout_id, payout_date, currency, amount, transactions, partner_id, status)
            VALUES (@id, @date, @currency, @amount, @transactions, @partner, @status) ON CONFLICT (payout_id) DO NOTHING
            """, connection, transaction))
        {
            record.Parameters.AddWithValue("id", payout.Id);
            record.Parameters.AddWithValue("date", payout.Date);
            record.Parameters.AddWithValue("currency", payout.Currency);
            record.Parameters.AddWithValue("amount", payout.Amount);
            record.Parameters.AddWithValue("transactions", transactions.Count);
            record.Parameters.AddWithValue("partner", partnerId);
            record.Parameters.AddWithValue("status", status);
            if (await record.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                // Another replica took it first; its queued command stands.
                await transaction.RollbackAsync(cancellationToken);
                return false;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        signal.Calls.Notify();
        ShopifyTelemetry.Count(telemetry.Sent, "kind", "payout." + status);
        logger.LogInformation("Shopify payout {PayoutId} ({Transactions} transactions) {Status}", payout.Id, transactions.Count, status);
        return status == "queued";
    }

    private async Task<List<BalanceTransaction>> TransactionsAsync(long payoutId, CancellationToken cancellationToken)
    {
        var all = new List<BalanceTransaction>();
        long sinceId = 0;
        while (true)
        {
            var page = (await shopify.GetAsync<BalanceTransactionsEnvelope>(
                $"shopify_payments/balance/transactions.json?payout_id={payoutId}&since_id={sinceId}&limit={PageSize}", "balance_transactions.list", cancellationToken)).Transactions;
            all.AddRange(page);
            if (page.Count < PageSize)
            {
                return all;
            }

            sinceId = page.Max(t => t.Id);
        }
    }

    private async Task<long> NewestTakenAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT coalesce(max(payout_id), 0) FROM shopify_payouts");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The gateway's partner for the shop, as the webhooks of the payout's orders named it.</summary>
    private static async Task<string> PartnerOfAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<long> orderIds, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT partner_id FROM shopify_orders WHERE shopify_order_id = ANY(@ids) GROUP BY partner_id ORDER BY count(*) DESC LIMIT 1
            """, connection, transaction);
        command.Parameters.AddWithValue("ids", orderIds.ToArray());
        return await command.ExecuteScalarAsync(cancellationToken) as string ?? ShopifyOptions.Channel;
    }
}
