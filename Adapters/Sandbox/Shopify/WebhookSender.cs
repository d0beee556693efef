using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Sandbox.Shopify;

/// <summary>
/// Sends the shop's webhooks to <see cref="ShopifySandboxOptions.WebhookUrl"/> the way Shopify does: signed with the
/// app secret, with topic, shop, API version, webhook id, event id and trigger time headers, retried with back-off
/// on anything but a 2xx. Faults: a share of deliveries is sent twice (same ids), and a share is held back and sent
/// after the next one, so receivers see duplicates and facts out of order.
/// </summary>
public sealed class WebhookSender(
    IHttpClientFactory httpFactory,
    IOptionsMonitor<ShopifySandboxOptions> options,
    ShopifyFaultSwitch faults,
    TimeProvider clock,
    ILogger<WebhookSender> logger) : BackgroundService
{
    public const string HttpClientName = "shopify-webhooks";
    public const int MaxAttempts = 8;
    public const int MaxInFlight = 4;
    private const int MaxLogEntries = 2000;

    private readonly Channel<WebhookDelivery> _queue = Channel.CreateUnbounded<WebhookDelivery>();
    private readonly Channel<(WebhookDelivery Delivery, bool Duplicate)> _outgoing = Channel.CreateUnbounded<(WebhookDelivery, bool)>();
    private readonly ConcurrentQueue<WebhookAttempt> _log = new();
    private readonly Random _random = new();
    private WebhookDelivery? _heldBack;

    public IReadOnlyList<WebhookAttempt> Log => [.. _log];

    public WebhookDelivery Enqueue(string topic, JsonObject body)
    {
        var delivery = new WebhookDelivery(topic, System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()),
            Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), clock.GetUtcNow());
        _queue.Writer.TryWrite(delivery);
        return delivery;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll([OrderDeliveriesAsync(stoppingToken), .. Enumerable.Range(0, MaxInFlight).Select(_ => SendLoopAsync(stoppingToken))]);

    /// <summary>Applies the delivery faults: holds one back past the next (out of order), queues some twice (duplicates).</summary>
    private async Task OrderDeliveriesAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var delivery in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                if (_heldBack is null && Chance(faults.Current.OutOfOrderRate))
                {
                    // Held until the next delivery has gone, or for a second if none comes.
                    _heldBack = delivery;
                    _ = ReleaseHeldBackLaterAsync(delivery, stoppingToken);
                    continue;
                }

                Dispatch(delivery);
                if (Interlocked.Exchange(ref _heldBack, null) is { } held)
                {
                    Dispatch(held);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what was not sent is lost, as it would be with a real shop's sandbox restart.
        }
    }

    private void Dispatch(WebhookDelivery delivery)
    {
        _outgoing.Writer.TryWrite((delivery, false));
        if (Chance(faults.Current.DuplicateDeliveryRate))
        {
            _outgoing.Writer.TryWrite((delivery, true));
        }
    }

    private async Task ReleaseHeldBackLaterAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), clock, cancellationToken);
            if (Interlocked.CompareExchange(ref _heldBack, null, delivery) == delivery)
            {
                Dispatch(delivery);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>One of <see cref="MaxInFlight"/> concurrent senders, as Shopify delivers in parallel.</summary>
    private async Task SendLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (delivery, duplicate) in _outgoing.Reader.ReadAllAsync(stoppingToken))
            {
                await SendWithRetriesAsync(delivery, duplicate, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task SendWithRetriesAsync(WebhookDelivery delivery, bool duplicate, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (settings.WebhookUrl is null)
        {
            Record(delivery, 0, null, "no WebhookUrl configured", duplicate);
            return;
        }

        for (var attempt = 1; attempt <= MaxAttempts && !cancellationToken.IsCancellationRequested; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, settings.WebhookUrl) { Content = new ByteArrayContent(delivery.Body) };
                request.Content.Headers.ContentType = new("application/json");
                request.Headers.Add("X-Shopify-Topic", delivery.Topic);
                request.Headers.Add("X-Shopify-Hmac-Sha256", WebhookSigner.Sign(settings.WebhookSecret, delivery.Body));
                request.Headers.Add("X-Shopify-Shop-Domain", settings.ShopDomain);
                request.Headers.Add("X-Shopify-API-Version", settings.ApiVersion);
                request.Headers.Add("X-Shopify-Webhook-Id", delivery.WebhookId);
                request.Headers.Add("X-Shopify-Event-Id", delivery.EventId);
                request.Headers.Add("X-Shopify-Triggered-At", delivery.TriggeredAt.ToString("O", CultureInfo.InvariantCulture));
                foreach (var (name, value) in settings.WebhookHeaders)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                using var response = await httpFactory.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
                Record(delivery, attempt, (int)response.StatusCode, null, duplicate);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                Record(delivery, attempt, null, ex.Message, duplicate);
            }

            await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, attempt - 1))), clock, cancellationToken);
        }

        logger.LogWarning("Shopify sandbox gave up on webhook {WebhookId} ({Topic}) after {Attempts} attempts", delivery.WebhookId, delivery.Topic, MaxAttempts);
    }

    private void Record(WebhookDelivery delivery, int attempt, int? status, string? error, bool duplicate)
    {
        _log.Enqueue(new WebhookAttempt(delivery.WebhookId, delivery.EventId, delivery.Topic, attempt, status, error, clock.GetUtcNow(), duplicate));
        while (_log.Count > MaxLogEntries && _log.TryDequeue(out _))
        {
        }
    }

    private bool Chance(double rate)
    {
        if (rate <= 0)
        {
            return false;
        }

        lock (_random)
        {
            return _random.NextDouble() < rate;
        }
    }
}
