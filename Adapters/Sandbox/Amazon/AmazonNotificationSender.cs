using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Sandbox.Amazon;

/// <summary>
/// Delivers ORDER_CHANGE notifications the way SP-API does (bare, or inside an EventBridge event), with the
/// configured faults: duplicates, deliveries out of order, and lost deliveries.
/// </summary>
public sealed class AmazonNotificationSender(
    HttpClient http, IOptionsMonitor<AmazonSandboxOptions> options, AmazonFaultSwitch faults, TimeProvider time, ILogger<AmazonNotificationSender> logger)
{
    private readonly Lock _gate = new();
    private object? _heldBack;

    public int Sent { get; private set; }

    public async Task NotifyAsync(SandboxOrder order, string changeType, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.Notifications;
        if (string.IsNullOrWhiteSpace(settings.Url))
        {
            return;
        }

        var current = faults.Current;
        if (current.DropNotificationRate > 0 && Random.Shared.NextDouble() < current.DropNotificationRate)
        {
            logger.LogInformation("Notification for {AmazonOrderId} dropped (fault injection)", order.AmazonOrderId);
            return;
        }

        var notification = Build(order, changeType, settings.Envelope);
        if (current.OutOfOrderNotificationRate > 0 && Random.Shared.NextDouble() < current.OutOfOrderNotificationRate)
        {
            lock (_gate)
            {
                if (_heldBack is null)
                {
                    _heldBack = notification;
                    return;
                }
            }
        }

        await PostAsync(notification, cancellationToken);
        if (current.DuplicateNotificationRate > 0 && Random.Shared.NextDouble() < current.DuplicateNotificationRate)
        {
            await PostAsync(notification, cancellationToken);
        }

        object? held;
        lock (_gate)
        {
            held = _heldBack;
            _heldBack = null;
        }

        if (held is not null)
        {
            await PostAsync(held, cancellationToken);
        }
    }

    public object Build(SandboxOrder order, string changeType, string envelope)
    {
        var now = OrderShapes.Iso(time.GetUtcNow());
        var notification = new
        {
            NotificationVersion = "1.0",
            NotificationType = "ORDER_CHANGE",
            PayloadVersion = "1.0",
            EventTime = now,
            Payload = new
            {
                OrderChangeNotification = new
                {
                    NotificationLevel = "OrderLevel",
                    SellerId = options.CurrentValue.SellerId,
                    order.AmazonOrderId,
                    OrderChangeType = changeType,
                    OrderChangeTrigger = new { TimeOfOrderChange = now, ChangeReason = changeType == "OrderStatusChange" ? "Order status changed" : "Buyer requested change" },
                    Summary = new
                    {
                        order.MarketplaceId,
                        OrderStatus = order.Status,
                        PurchaseDate = OrderShapes.Iso(order.PurchaseDate),
                        DestinationPostalCode = order.ShipTo.PostalCode,
                        FulfillmentType = order.FulfilledByAmazon ? "AFN" : "MFN",
                        OrderType = "StandardOrder",
                        OrderItems = order.Items.Select(item => new
                        {
                            item.OrderItemId,
                            SellerSKU = item.Sku,
                            SupplySourceId = (string?)null,
                            Quantity = item.Quantity,
                        }),
                    },
                },
            },
            NotificationMetadata = new
            {
                ApplicationId = "amzn1.sellerapps.app.sandbox",
                SubscriptionId = "sandbox-subscription",
                PublishTime = now,
                NotificationId = Guid.NewGuid().ToString(),
            },
        };
        return string.Equals(envelope, "eventbridge", StringComparison.OrdinalIgnoreCase)
            ? new Dictionary<string, object>
            {
                ["version"] = "0",
                ["id"] = Guid.NewGuid().ToString(),
                ["detail-type"] = "ORDER_CHANGE",
                ["source"] = "aws.partner/sellingpartnerapi.amazon/amzn1.sellerapps.app.sandbox",
                ["account"] = "000000000000",
                ["time"] = now,
                ["region"] = "us-east-1",
                ["resources"] = Array.Empty<string>(),
                ["detail"] = notification,
            }
            : notification;
    }

    private async Task PostAsync(object notification, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.Notifications;
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url) { Content = JsonContent.Create(notification, notification.GetType(), options: OrderShapes.V0Json) };
        if (settings.ApiKey.Length > 0)
        {
            request.Headers.Add("X-Api-Key", settings.ApiKey);
        }

        foreach (var (name, value) in settings.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            Sent++;
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Notification delivery answered {Status}", (int)response.StatusCode);
            }
        }
        catch (HttpRequestException ex)
        {
            // EventBridge would retry; the adapter's backup poll covers what is lost here.
            logger.LogWarning("Notification delivery failed: {Error}", ex.Message);
        }
    }
}
