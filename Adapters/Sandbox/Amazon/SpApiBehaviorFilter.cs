using System.Globalization;

namespace Distribution.Aspire.Adapters.Sandbox.Amazon;

/// <summary>
/// What every simulated SP-API call goes through: the operation's usage plan (429 when exceeded, the plan's
/// rate in <c>x-amzn-RateLimit-Limit</c>), then the configured faults, then the real handler.
/// </summary>
public sealed class SpApiBehaviorFilter(string operation) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var services = context.HttpContext.RequestServices;
        var state = services.GetRequiredService<AmazonSandboxState>();
        var faults = services.GetRequiredService<AmazonFaultSwitch>();
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AmazonSandboxOptions>>().Value;
        var stats = state.StatsFor(operation);
        var response = context.HttpContext.Response;
        response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();

        if (faults.TakeThrottle() || (options.EnforceRateLimits && !services.GetRequiredService<SandboxRateLimits>().TryTake(operation)))
        {
            stats.CountThrottled();
            return Errors(StatusCodes.Status429TooManyRequests, "QuotaExceeded", "You exceeded your quota for the requested resource.");
        }

        response.Headers["x-amzn-RateLimit-Limit"] = SandboxRateLimits.Plans[operation].Rate.ToString(CultureInfo.InvariantCulture);
        var current = faults.Current;
        if (current.LatencyMilliseconds > 0)
        {
            await Task.Delay(current.LatencyMilliseconds, context.HttpContext.RequestAborted);
        }

        if (current.Unavailable)
        {
            stats.CountFaulted();
            return Errors(StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", "Temporary overloading or maintenance of the server.");
        }

        if (current.ErrorRate > 0 && Random.Shared.NextDouble() < current.ErrorRate)
        {
            stats.CountFaulted();
            return Errors(StatusCodes.Status500InternalServerError, "InternalFailure", "An unexpected condition occurred.");
        }

        if (current.TimeoutRate > 0 && Random.Shared.NextDouble() < current.TimeoutRate)
        {
            stats.CountFaulted();
            await Task.Delay(current.TimeoutMilliseconds, context.HttpContext.RequestAborted);
            return Errors(StatusCodes.Status504GatewayTimeout, "Timeout", "The request timed out.");
        }

        stats.CountServed();
        return await next(context);
    }

    /// <summary>SP-API's error body: <c>{"errors":[{"code","message"}]}</c>.</summary>
    public static IResult Errors(int status, string code, string message, string? details = null) =>
        TypedResults.Json(new { errors = new[] { new { code, message, details } } }, statusCode: status);
}
