using System.Net;
using System.Text;
using Distribution.Aspire.Adapters.ThreePL.Inbound;
using Distribution.Aspire.Adapters.ThreePL.Storage;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Distribution.Aspire.Adapters.ThreePL.Outbound;

/// <summary>
/// Delivers the durable outbound queue: per partner strictly in queue order (a cancel never overtakes its
/// order), one message at a time, through the resilient partner client. A partner that is down, slow or
/// answering 5xx/408/429 delays its queue (back-off, doubling up to ThreePL:RetryMaxSeconds); nothing is
/// dropped. A 4xx refusal stops that message (rejected, quarantined) and the queue moves on. When the 3PL answers
/// a 940 with a 997 in the response body, the 997 is received like any X12 the partner posts.
/// </summary>
public sealed class OutboundSender(
    NpgsqlDataSource database,
    IHttpClientFactory clients,
    IServiceProvider services,
    QuarantineStore quarantine,
    IOptions<ThreePLOptions> options,
    ThreePLTelemetry telemetry,
    TimeProvider time,
    ILogger<OutboundSender> logger) : BackgroundService
{
    public const string ClientName = "threepl-partners";

    private const int MaxPartnersInParallel = 8;

    private sealed record Message(long MessageId, string PartnerId, string Kind, string Format, string Body, string? Reference, int Attempts, DateTimeOffset CreatedAt);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(options.Value.OutboundPollMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A queue with work goes on at once: a poll between messages capped each partner at four a second,
                // below the order rate of a busy day (benchmarks/results/faults-2026-11-30.md).
                if (await SendDueAsync(stoppingToken) == 0)
                {
                    await Task.Delay(poll, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Sending to 3PLs failed; retrying.");
                await Task.Delay(poll, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Sends the head of every partner's queue that is due; returns how many were delivered.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var heads = new List<long>();
        await using (var claim = database.CreateClaim(new NpgsqlBatchCommand(
            """
            SELECT message_id FROM (
                SELECT DISTINCT ON (partner_id) message_id, next_attempt_at FROM outbound_messages
                WHERE status = 'pending' ORDER BY partner_id, message_id) heads
            WHERE next_attempt_at <= now()
            """)))
        {
            await using var reader = await claim.ExecuteClaimReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                heads.Add(reader.GetInt64(0));
            }
        }

        // Partners are sent to side by side and each on its own: a 3PL that hangs until its timeouts run out, or a
        // send that fails outright, holds up only that partner's queue, never the heads of the others.
        var delivered = 0;
        await Parallel.ForEachAsync(heads, new ParallelOptions { MaxDegreeOfParallelism = MaxPartnersInParallel, CancellationToken = cancellationToken }, async (id, token) =>
        {
            try
            {
                if (await SendAsync(id, token))
                {
                    Interlocked.Increment(ref delivered);
                }
            }
            catch (Exception ex) when (!token.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Sending outbound message {MessageId} failed; the other partners' queues go on.", id);
            }
        });

        return delivered;
    }

    private async Task<bool> SendAsync(long messageId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Message? message = null;
        await using (var select = new NpgsqlCommand(
            """
            SELECT m.message_id, m.partner_id, m.kind, m.format, m.body, o.order_reference, m.attempts, m.created_at
            FROM outbound_messages m JOIN shipment_orders o ON o.shipment_id = m.shipment_id
            WHERE m.message_id = @id AND m.status = 'pending'
            FOR UPDATE OF m SKIP LOCKED
            """, connection, transaction))
        {
            select.Parameters.AddWithValue("id", messageId);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                message = new Message(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetInt32(6), reader.GetFieldValue<DateTimeOffset>(7));
            }
        }

        if (message is null)
        {
            return false;
        }

        using var activity = telemetry.Start("threepl.outbound.send", message.PartnerId, message.Format == "x12" ? "940" : "json");
        activity?.SetTag("kind", message.Kind);
        var partner = options.Value.Find(message.PartnerId);
        var (outcome, detail, answer) = partner is null
            ? (Outcome.Retry, $"Partner '{message.PartnerId}' has no profile.", null)
            : await PostAsync(partner, message, cancellationToken);

        switch (outcome)
        {
            case Outcome.Delivered:
                await UpdateAsync(connection, transaction, message.MessageId, "sent", null, TimeSpan.Zero, cancellationToken);
                telemetry.Sent(message.PartnerId, message.Kind, "delivered");
                telemetry.OutboundDelay(message.PartnerId, time.GetUtcNow() - message.CreatedAt);
                break;
            case Outcome.Refused:
                await UpdateAsync(connection, transaction, message.MessageId, "rejected", detail, TimeSpan.Zero, cancellationToken);
                await quarantine.AddAsync(connection, transaction, message.PartnerId, QuarantineStore.FromOutbound, ThreePLReasons.PartnerRejectedOrder,
                    $"The 3PL refused our {message.Kind}: {detail}", message.Reference, null, null, message.MessageId, cancellationToken);
                telemetry.Sent(message.PartnerId, message.Kind, "refused");
                break;
            default:
                var delay = Backoff(message.Attempts + 1);
                logger.LogWarning("Sending {Kind} {MessageId} to partner {PartnerId} failed ({Detail}); retrying in {Delay}.", message.Kind, message.MessageId, message.PartnerId, detail, delay);
                await UpdateAsync(connection, transaction, message.MessageId, "pending", detail, delay, cancellationToken);
                telemetry.Sent(message.PartnerId, message.Kind, "retry");
                break;
        }

        await transaction.CommitAsync(cancellationToken);
        if (outcome == Outcome.Delivered && answer is { Length: > 0 } && answer.TrimStart('\uFEFF', ' ', '\r', '\n', '\t').StartsWith("ISA", StringComparison.Ordinal))
        {
            // The partner answered the 940 synchronously with its 997: received as if it had posted it.
            using var scope = services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<EdiIntake>().ReceiveAsync(message.PartnerId, answer, cancellationToken);
        }

        return outcome == Outcome.Delivered;
    }

    private enum Outcome
    {
        Delivered,
        Refused,
        Retry,
    }

    private async Task<(Outcome Outcome, string? Detail, string? Answer)> PostAsync(PartnerProfile partner, Message message, CancellationToken cancellationToken)
    {
        var url = message.Format == "x12"
            ? partner.EdiUrl
            : message.Kind == OutboundOrders.Cancel ? $"{partner.OrdersUrl?.TrimEnd('/')}/{Uri.EscapeDataString(message.Reference ?? string.Empty)}/cancel" : partner.OrdersUrl;
        if (string.IsNullOrWhiteSpace(url))
        {
            return (Outcome.Retry, $"Partner has no {(message.Format == "x12" ? "EdiUrl" : "OrdersUrl")} configured.", null);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(message.Body, Encoding.UTF8, message.Format == "x12" ? "application/edi-x12" : "application/json"),
        };
        if (partner.ApiKey is { Length: > 0 } key)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return (Outcome.Delivered, null, await response.Content.ReadAsStringAsync(cancellationToken));
            }

            var detail = $"HTTP {status}";
            return status is >= 400 and < 500 and not (int)HttpStatusCode.RequestTimeout and not (int)HttpStatusCode.TooManyRequests
                ? (Outcome.Refused, detail, null)
                : (Outcome.Retry, detail, null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever went wrong on the way (a Polly TimeoutRejectedException, a dropped connection, an open circuit,
            // a malformed URL) is a failed attempt: counted, backed off and retried, rather than rolled back and
            // retried at once for ever. Whether the 3PL took the request is unknown, which cancels rely on.
            return (Outcome.Retry, ex.GetType().Name + ": " + ex.Message, null);
        }
    }

    private static async Task UpdateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long messageId, string status, string? error, TimeSpan delay, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE outbound_messages SET status = @status, last_error = @error, attempts = attempts + 1,
                next_attempt_at = now() + @delay, sent_at = CASE WHEN @status = 'sent' THEN now() ELSE sent_at END
            WHERE message_id = @id;
            UPDATE interchanges SET status = @status
            WHERE direction = 'outbound' AND (partner_id, control_number) = (SELECT partner_id, interchange_control FROM outbound_messages WHERE message_id = @id);
            """, connection, transaction);
        command.Parameters.AddWithValue("id", messageId);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("error", (object?)error ?? DBNull.Value);
        command.Parameters.AddWithValue("delay", delay);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private TimeSpan Backoff(int attempts)
    {
        var settings = options.Value;
        var milliseconds = settings.RetryBaseMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 16));
        return TimeSpan.FromMilliseconds(Math.Min(milliseconds, settings.RetryMaxSeconds * 1000.0));
    }
}
