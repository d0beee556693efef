using System.Globalization;

namespace Distribution.Aspire.Adapters.Sandbox.Shopify;

/// <summary>
/// What stands in front of every simulated Admin API call, in Shopify's order: the access token, then the injected
/// faults (latency, outage, hanging calls, 5xx, 429 bursts), then the REST leaky bucket, whose fill every REST answer reports
/// in <c>X-Shopify-Shop-Api-Call-Limit</c> (GraphQL has its own cost limit, <see cref="CostBucket"/>).
/// </summary>
public sealed class AdminApiGuard(ShopifyShop shop, ShopifyFaultSwitch faults, LeakyBucket bucket, ApiCallStats stats, TimeProvider clock) : IEndpointFilter
{
    private readonly Random _random = new();
    private long _calls;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var operation = http.GetEndpoint()?.DisplayName ?? "unknown";
        var result = await GuardAsync(http, operation) ?? await next(context);
        return result;
    }

    private async Task<object?> GuardAsync(HttpContext http, string operation)
    {
        if (http.Request.Headers["X-Shopify-Access-Token"].ToString() != shop.Options.AccessToken)
        {
            return Answer(operation, StatusCodes.Status401Unauthorized, "[API] Invalid API key or access token (unrecognized login or wrong password)");
        }

        var fault = faults.Current;
        var latency = fault.LatencyMilliseconds + (fault.LatencyJitterMilliseconds > 0 ? Next(fault.LatencyJitterMilliseconds) : 0);
        if (latency > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(latency), clock, http.RequestAborted);
        }

        if (fault.Outage)
        {
            return Answer(operation, StatusCodes.Status503ServiceUnavailable, "Service Unavailable");
        }

        if (Chance(fault.TimeoutRate))
        {
            await Task.Delay(TimeSpan.FromSeconds(fault.TimeoutSeconds), clock, http.RequestAborted);
            return Answer(operation, StatusCodes.Status504GatewayTimeout, "Gateway Timeout");
        }

        if (Chance(fault.ServerErrorRate))
        {
            return Answer(operation, StatusCodes.Status500InternalServerError + Next(5), "Internal Server Error");
        }

        var call = Interlocked.Increment(ref _calls);
        if (fault.Throttle429Every > 0 && call % fault.Throttle429Every < fault.Throttle429Burst)
        {
            return Throttled(http, operation, fault.RetryAfterSeconds, $"{bucket.Size}/{bucket.Size}");
        }

        // GraphQL calls are limited by their cost (CostBucket, in the handler), not by the REST bucket.
        if (operation != ShopifyGraphQlApi.Operation)
        {
            if (bucket.TryTake(out var callLimit) is { } wait)
            {
                return Throttled(http, operation, Math.Max(1.0, Math.Ceiling(wait * 10) / 10), callLimit);
            }

            http.Response.Headers["X-Shopify-Shop-Api-Call-Limit"] = callLimit;
        }

        http.Response.OnStarting(() =>
        {
            stats.Count(operation, http.Response.StatusCode);
            return Task.CompletedTask;
        });
        return null;
    }

    private IResult Throttled(HttpContext http, string operation, double retryAfterSeconds, string callLimit)
    {
        http.Response.Headers["X-Shopify-Shop-Api-Call-Limit"] = callLimit;
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        return Answer(operation, StatusCodes.Status429TooManyRequests, "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.");
    }

    private IResult Answer(string operation, int status, string errors)
    {
        stats.Count(operation, status);
        return Results.Json(new { errors }, statusCode: status);
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

    private int Next(int max)
    {
        lock (_random)
        {
            return _random.Next(max);
        }
    }
}
