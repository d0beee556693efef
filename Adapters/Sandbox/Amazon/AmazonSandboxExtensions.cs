using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Sandbox.Amazon;

public static class AmazonSandboxExtensions
{
    public static IHostApplicationBuilder AddAmazonSandbox(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<AmazonSandboxOptions>(builder.Configuration.GetSection(AmazonSandboxOptions.SectionName));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AmazonSandboxState>();
        builder.Services.AddSingleton<SandboxRateLimits>();
        builder.Services.AddSingleton<AmazonFaultSwitch>();
        builder.Services.AddHttpClient(nameof(AmazonNotificationSender));
        builder.Services.AddSingleton(provider => ActivatorUtilities.CreateInstance<AmazonNotificationSender>(
            provider, provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(AmazonNotificationSender))));
        builder.Services.AddHostedService<AmazonScenarioDriver>();
        return builder;
    }

    /// <summary>
    /// SP-API on its real paths, plus the sandbox's own controls under <c>/sandbox/amazon</c>: place and cancel
    /// orders, set faults, and inspect what Amazon was told (quantities per SKU, shipments, feeds, call counts).
    /// </summary>
    public static WebApplication MapAmazonSandbox(this WebApplication app)
    {
        app.MapSpApiEndpoints();
        var control = app.MapGroup("/sandbox/amazon");
        control.MapPost("/orders", async (PlaceOrderRequest request, AmazonSandboxState state, AmazonNotificationSender sender, IOptions<AmazonSandboxOptions> options, CancellationToken cancellationToken) =>
        {
            if (request.Items is not { Count: > 0 } items || items.Any(i => string.IsNullOrWhiteSpace(i.Sku) || i.Quantity <= 0))
            {
                return Results.Problem(statusCode: 400, title: "items (sku, quantity > 0) are required");
            }

            var settings = options.Value;
            var order = state.PlaceOrder(
                string.Equals(request.FulfillmentChannel, "AFN", StringComparison.OrdinalIgnoreCase),
                [.. items.Select(i => (i.Sku, i.Quantity, i.UnitPrice ?? settings.Scenario.UnitPrice))],
                settings.MarketplaceId,
                settings.Currency,
                request.Status ?? "Unshipped");
            if (request.Notify ?? true)
            {
                await sender.NotifyAsync(order, "OrderStatusChange", cancellationToken);
            }

            return Results.Ok(new { order.AmazonOrderId, order.Status, Items = order.Items });
        });
        control.MapPost("/orders/{orderId}/status", async (string orderId, OrderStatusRequest request, AmazonSandboxState state, AmazonNotificationSender sender, CancellationToken cancellationToken) =>
        {
            if (!state.Orders.TryGetValue(orderId, out var order))
            {
                return Results.NotFound();
            }

            order.Status = request.Status;
            order.LastUpdated = state.Time.GetUtcNow();
            if (request.Notify ?? true)
            {
                await sender.NotifyAsync(order, "OrderStatusChange", cancellationToken);
            }

            return Results.Ok(new { order.AmazonOrderId, order.Status });
        });
        control.MapPut("/faults", (AmazonFaults faults, AmazonFaultSwitch current) =>
        {
            current.Set(faults);
            return Results.Ok(faults);
        });
        control.MapGet("/faults", (AmazonFaultSwitch current) => Results.Ok(current.Current));
        control.MapPut("/credentials", (NotificationCredentials credentials, IOptionsMonitor<AmazonSandboxOptions> options) =>
        {
            // Set once the gateway has issued the Amazon partner's key (tests and scripts onboard the partner first).
            options.CurrentValue.Notifications.ApiKey = credentials.ApiKey ?? string.Empty;
            return Results.NoContent();
        });
        control.MapGet("/quantities", (AmazonSandboxState state) => Results.Ok(state.Quantities));
        control.MapGet("/shipments", (AmazonSandboxState state) => Results.Ok(state.Shipments.ToArray()));
        control.MapGet("/feeds", (AmazonSandboxState state) => Results.Ok(state.Feeds.Values.OrderBy(f => f.CreatedTime)));
        control.MapGet("/calls", (AmazonSandboxState state) => Results.Ok(state.Calls.ToDictionary(c => c.Key, c => new { c.Value.Served, c.Value.Throttled, c.Value.Faulted })));
        return app;
    }
}

public sealed record PlaceOrderRequest(IReadOnlyList<PlaceOrderItem>? Items, string? FulfillmentChannel, string? Status, bool? Notify);

public sealed record PlaceOrderItem(string Sku, int Quantity, decimal? UnitPrice);

public sealed record OrderStatusRequest(string Status, bool? Notify);

public sealed record NotificationCredentials(string? ApiKey);
