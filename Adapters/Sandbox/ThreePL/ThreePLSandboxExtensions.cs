using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Sandbox.ThreePL;

public static class ThreePLSandboxExtensions
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static IHostApplicationBuilder AddThreePLSandbox(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<ThreePLSandboxOptions>(builder.Configuration.GetSection(ThreePLSandboxOptions.SectionName));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ThreePLSandboxState>();
        builder.Services.AddSingleton<ThreePLDocuments>();
        builder.Services.AddHttpClient(nameof(ThreePLPartnerClient));
        builder.Services.AddSingleton(provider => ActivatorUtilities.CreateInstance<ThreePLPartnerClient>(
            provider, provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ThreePLPartnerClient))));
        builder.Services.AddHostedService<ThreePLScenarioDriver>();
        return builder;
    }

    /// <summary>
    /// The 3PL's receiving side (<c>POST /sandbox/3pl/edi</c> for 940 interchanges, answered with a 997;
    /// <c>POST /sandbox/3pl/orders</c> and <c>/orders/{reference}/cancel</c> for JSON orders), behind the fault
    /// switch; and its controls: <c>GET /sandbox/3pl/inspect</c>, <c>PUT /sandbox/3pl/faults</c>,
    /// <c>PUT /sandbox/3pl/credentials</c>, <c>PUT /sandbox/3pl/inventory</c>, <c>POST /sandbox/3pl/inventory:send</c>.
    /// </summary>
    public static WebApplication MapThreePLSandbox(this WebApplication app)
    {
        var partner = app.MapGroup("/sandbox/3pl").AddEndpointFilter(InjectFaultsAsync);
        partner.MapPost("/edi", async (HttpRequest request, ThreePLSandboxState state, ThreePLDocuments documents) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            List<string[]> segments;
            try
            {
                segments = SandboxX12.Segments(await reader.ReadToEndAsync());
            }
            catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException)
            {
                return Results.Problem(statusCode: 400, title: "Not an X12 interchange");
            }

            TakeOrders(state, segments);
            return Results.Text(documents.Acknowledge(segments), "application/edi-x12", Encoding.UTF8);
        });
        partner.MapPost("/orders", (JsonOrder order, ThreePLSandboxState state) =>
        {
            if (string.IsNullOrWhiteSpace(order.Reference) || order.Lines is not { Count: > 0 })
            {
                return Results.Problem(statusCode: 400, title: "reference and lines are required");
            }

            state.Take(order.Reference, "json", [.. order.Lines.Select(l => new SandboxLine(l.LineId, l.Sku, l.Quantity))]);
            return Results.Json(new { reference = order.Reference, status = "received" }, Json);
        });
        partner.MapPost("/orders/{reference}/cancel", (string reference, ThreePLSandboxState state) =>
        {
            if (!state.Shipments.TryGetValue(reference, out var shipment))
            {
                return Results.NotFound();
            }

            shipment.Cancelled = true;
            return Results.Json(new { reference, status = "cancelled" }, Json);
        });

        var control = app.MapGroup("/sandbox/3pl");
        control.MapGet("/inspect", (ThreePLSandboxState state) => Results.Json(new
        {
            shipments = state.Shipments.Values.OrderBy(s => s.ReceivedAt).Select(s => new
            {
                s.Reference, s.Format, s.ShipmentId, s.TrackingNumber, s.Cancelled, s.Stage, s.ReceivedAt,
                Lines = s.Lines,
            }),
            sent = state.Sent.ToArray(),
            faults = state.Faults,
            requests_received = state.RequestsReceived,
            faults_injected = state.FaultsInjected,
            stock = state.Stock,
        }, Json));
        control.MapPut("/faults", (ThreePLFaults faults, ThreePLSandboxState state) =>
        {
            state.Faults = faults;
            return Results.Json(faults, Json);
        });
        control.MapPut("/credentials", (Credentials credentials, IOptions<ThreePLSandboxOptions> options) =>
        {
            // Set once the gateway has issued the partner's key (the e2e test and scripts onboard the partner first).
            options.Value.ApiKey = credentials.ApiKey ?? string.Empty;
            options.Value.SigningSecret = credentials.SigningSecret ?? string.Empty;
            return Results.NoContent();
        });
        control.MapPut("/inventory", (Dictionary<string, int> stock, ThreePLSandboxState state) =>
        {
            foreach (var (sku, quantity) in stock)
            {
                state.Stock[sku] = quantity;
            }

            return Results.Json(state.Stock, Json);
        });
        control.MapPost("/inventory:send", async (ThreePLSandboxState state, ThreePLDocuments documents, ThreePLPartnerClient client, CancellationToken cancellationToken) =>
            await client.PostEdiAsync("846", "inventory", documents.InventoryAdvice(state.Time.GetUtcNow()), cancellationToken)
                ? Results.Accepted()
                : Results.Problem(statusCode: 502, title: "The gateway did not take the 846"));
        return app;
    }

    /// <summary>940s: W05-01 N takes the order (W01 + N9*LI lines), C cancels it.</summary>
    private static void TakeOrders(ThreePLSandboxState state, List<string[]> segments)
    {
        string? status = null, reference = null;
        var lines = new List<SandboxLine>();
        (int Quantity, string Sku)? pending = null;
        foreach (var s in segments)
        {
            string At(int i) => i < s.Length ? s[i] : string.Empty;
            switch (s[0])
            {
                case "ST":
                    (status, reference, lines, pending) = (null, null, [], null);
                    break;
                case "W05":
                    (status, reference) = (At(1), At(2));
                    break;
                case "W01":
                    pending = (int.Parse(At(1), System.Globalization.CultureInfo.InvariantCulture), At(5));
                    break;
                case "N9" when pending is not null && At(1) == "LI":
                    lines.Add(new SandboxLine(At(2), pending.Value.Sku, pending.Value.Quantity));
                    pending = null;
                    break;
                case "SE" when reference is not null:
                    if (status == "N")
                    {
                        state.Take(reference, "x12", lines);
                    }
                    else if (state.Shipments.TryGetValue(reference, out var shipment))
                    {
                        shipment.Cancelled = true;
                    }

                    break;
            }
        }
    }

    private static async ValueTask<object?> InjectFaultsAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var state = context.HttpContext.RequestServices.GetRequiredService<ThreePLSandboxState>();
        state.CountRequest();
        var faults = state.Faults;
        if (faults.LatencyMilliseconds > 0)
        {
            await Task.Delay(faults.LatencyMilliseconds, context.HttpContext.RequestAborted);
        }

        if (faults.TimeoutNext > 0)
        {
            faults.TimeoutNext--;
            state.CountFault();
            await Task.Delay(TimeSpan.FromMinutes(2), context.HttpContext.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.StatusCode(StatusCodes.Status504GatewayTimeout);
        }

        if (faults.Down || faults.FailNext > 0 || (faults.FailureRate > 0 && Random.Shared.NextDouble() < faults.FailureRate))
        {
            if (faults.FailNext > 0)
            {
                faults.FailNext--;
            }

            state.CountFault();
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Sandbox 3PL is down (fault injection)");
        }

        return await next(context);
    }

    public sealed record Credentials(string? ApiKey, string? SigningSecret);

    public sealed record JsonOrder(string Reference, IReadOnlyList<JsonOrderLine>? Lines);

    public sealed record JsonOrderLine(string LineId, string Sku, int Quantity);
}
