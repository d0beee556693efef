namespace Distribution.Aspire.Adapters.Sandbox.Erp;

/// <summary>
/// In front of every ERP API call: the bearer token (when the sandbox has a client secret), then the faults in force.
/// Faults that strike after the work (a commit whose answer hangs or is dropped) are what make a failure ambiguous.
/// </summary>
public sealed class ErpApiFilter(ErpSandboxState state) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var isPost = HttpMethods.IsPost(http.Request.Method);
        state.Count(isPost ? "requests.posts" : "requests.reads");
        if (state.Options.ClientSecret.Length > 0)
        {
            var header = http.Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.Ordinal) || !state.IsValidToken(header["Bearer ".Length..]))
            {
                state.Count("requests.unauthorized");
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return ErpErrors.Answer(StatusCodes.Status401Unauthorized, ErpErrors.Unauthorized, "The server has rejected the client credentials.");
            }
        }

        var after = After.Nothing;
        ErpFaults faults;
        lock (state.Gate)
        {
            faults = state.Faults;
            var applies = faults.Only switch
            {
                "posts" => isPost,
                "reads" => !isPost,
                _ => true,
            };
            if (applies)
            {
                if (faults.Down)
                {
                    state.Count("faults.down");
                    return ErpErrors.Answer(StatusCodes.Status503ServiceUnavailable, ErpErrors.Unavailable, "The service is temporarily unavailable (fault injection).");
                }

                if (faults.FailNext > 0)
                {
                    faults.FailNext--;
                    state.Count("faults.failed");
                    return ErpErrors.Answer(faults.FailStatus is 500 or 502 or 503 or 504 ? faults.FailStatus : 500, ErpErrors.ServerError, "Something went wrong (fault injection).");
                }

                if (faults.ThrottleNext > 0)
                {
                    faults.ThrottleNext--;
                    state.Count("faults.throttled");
                    http.Response.Headers.RetryAfter = faults.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    return ErpErrors.Answer(StatusCodes.Status429TooManyRequests, ErpErrors.TooManyRequests, "Too many requests; retry after the interval in Retry-After.");
                }

                if (faults.TimeoutNext > 0)
                {
                    faults.TimeoutNext--;
                    after = After.HangFirst;
                }
                else if (faults.CommitThenTimeoutNext > 0)
                {
                    faults.CommitThenTimeoutNext--;
                    after = After.Hang;
                }
                else if (faults.DropResponseNext > 0)
                {
                    faults.DropResponseNext--;
                    after = After.Drop;
                }
            }
        }

        if (faults.LatencyMilliseconds > 0)
        {
            await Task.Delay(faults.LatencyMilliseconds, http.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (after == After.HangFirst)
        {
            state.Count("faults.timeouts");
            await Task.Delay(TimeSpan.FromSeconds(faults.HangSeconds), http.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return ErpErrors.Answer(StatusCodes.Status504GatewayTimeout, ErpErrors.ServerError, "The request timed out (fault injection).");
        }

        var result = await next(context);
        switch (after)
        {
            case After.Hang:
                state.Count("faults.timeouts_after_commit");
                await Task.Delay(TimeSpan.FromSeconds(faults.HangSeconds), http.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                return result;
            case After.Drop:
                state.Count("faults.dropped_responses");
                http.Abort();
                return Results.Empty;
            default:
                return result;
        }
    }

    private enum After
    {
        Nothing,
        HangFirst,
        Hang,
        Drop,
    }
}
