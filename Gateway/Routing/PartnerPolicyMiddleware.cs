using System.Diagnostics;
using Distribution.Aspire.Gateway.Audit;
using Distribution.Aspire.Gateway.Authentication;
using Distribution.Aspire.Gateway.Partners;
using Distribution.Aspire.Gateway.RateLimiting;
using Distribution.Aspire.ServiceDefaults.Correlation;
using Distribution.Aspire.ServiceDefaults.Errors;
using Distribution.Aspire.ServiceDefaults.Partners;
using Distribution.Aspire.ServiceDefaults.Security;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Npgsql;
using Yarp.ReverseProxy.Forwarder;

namespace Distribution.Aspire.Gateway.Routing;

/// <summary>
/// Runs inside YARP's pipeline, after the route is matched and before anything is forwarded: body and content
/// type limits, authentication by the route group's scheme, suspension and scope, the partner's rate limit and
/// quota; then sets the headers the destination may trust, maps forwarding failures to problem details and
/// records the audit entry.
/// </summary>
internal sealed class PartnerPolicyMiddleware(
    RequestDelegate next, RouteGroupCatalog catalog, PartnerAuthenticator authenticator, PartnerRateLimiter limiter, GatewayAudit audit,
    IOptions<GatewayOptions> options)
{
    private readonly string? _serviceAdminKey = options.Value.ServiceAdminKey is { Length: > 0 } key ? key : null;

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var group = catalog.ForRoute(context.GetReverseProxyFeature().Route.Config.RouteId);
        var request = new GatewayRequestFeature(group) { RequestBytes = context.Request.ContentLength ?? 0 };
        context.Features.Set(request);

        // A destination's own error responses pass through as they are.
        if (context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
        {
            statusCodePages.Enabled = false;
        }

        AddDeprecationHeaders(context.Response.Headers, group);
        var responseBody = new CountingStream(context.Response.Body);
        context.Response.Body = responseBody;
        try
        {
            if (await AdmitAsync(context, group, request))
            {
                StampForwardedHeaders(context.Request.Headers, group, request.Partner);
                await next(context);
                await MapForwardingErrorAsync(context, request);
            }
        }
        finally
        {
            context.Response.Body = responseBody.Inner;
            audit.Record(context, request, started, responseBody.BytesWritten);
        }
    }

    private async Task<bool> AdmitAsync(HttpContext context, RouteGroup group, GatewayRequestFeature request)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = group.MaxBodyBytes;
        }

        if (context.Request.ContentLength > group.MaxBodyBytes)
        {
            await TooLargeAsync(context, group);
            return false;
        }

        var hasBody = context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0;
        if (hasBody && !group.AcceptsContentType(context.Request.ContentType))
        {
            await GatewayProblems.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, ProblemCodes.UnsupportedMediaType,
                "Unsupported content type", $"This route accepts {string.Join(", ", group.ContentTypes)}.");
            return false;
        }

        if (group.Auth == AuthScheme.Destination)
        {
            return true;
        }

        if (group.Auth == AuthScheme.AdminKey)
        {
            if (authenticator.IsAdmin(context))
            {
                return true;
            }

            await GatewayProblems.WriteAsync(context, StatusCodes.Status401Unauthorized, ProblemCodes.Unauthorized,
                "Admin credential missing or wrong", "Send the operators' key in X-Admin-Key.");
            return false;
        }

        AuthResult auth;
        try
        {
            auth = await AuthenticateAsync(context, group, request);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await TooLargeAsync(context, group);
            return false;
        }
        catch (NpgsqlException)
        {
            await GatewayProblems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ProblemCodes.Unavailable,
                "Partner registry unavailable", "Try again shortly.");
            return false;
        }

        if (!auth.Succeeded)
        {
            await GatewayProblems.WriteAsync(context, auth.Status, auth.Code!, auth.Title!, auth.Detail);
            return false;
        }

        var partner = auth.Partner!;
        request.Partner = partner;
        request.SignatureClaim = auth.Claim;
        if (partner.Suspended)
        {
            await RefuseAsync(context, request, StatusCodes.Status403Forbidden, GatewayProblems.PartnerSuspended,
                "Partner suspended", "Your access is suspended; contact the distributor.");
            return false;
        }

        if ((partner.Scopes & group.Scope) == 0)
        {
            await RefuseAsync(context, request, StatusCodes.Status403Forbidden, GatewayProblems.ScopeNotGranted,
                "Scope not granted", $"Your credentials do not grant the '{group.Name}' scope.");
            return false;
        }

        var decision = await limiter.AcquireAsync(partner);
        AddRateLimitHeaders(context.Response.Headers, decision);
        if (decision.Allowed)
        {
            return true;
        }

        context.Response.Headers.RetryAfter = decision.ResetSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (decision.Verdict == RateVerdict.QuotaExceeded)
        {
            await RefuseAsync(context, request, StatusCodes.Status429TooManyRequests, GatewayProblems.QuotaExceeded,
                "Daily quota exhausted", "The daily request quota resets at 00:00 UTC.");
        }
        else
        {
            await RefuseAsync(context, request, StatusCodes.Status429TooManyRequests, ProblemCodes.RateLimited,
                "Rate limit exceeded", $"Retry after {decision.ResetSeconds} s.");
        }

        return false;
    }

    /// <summary>
    /// A refusal after the signature was checked: the request goes nowhere, so its signature is given back before the
    /// answer leaves, and the partner's retry of the very same bytes (after <c>Retry-After</c>) is not taken for a replay.
    /// </summary>
    private async Task RefuseAsync(HttpContext context, GatewayRequestFeature request, int status, string code, string title, string? detail)
    {
        await ReleaseSignatureAsync(request);
        await GatewayProblems.WriteAsync(context, status, code, title, detail);
    }

    private async Task ReleaseSignatureAsync(GatewayRequestFeature request)
    {
        if (request.SignatureClaim is { } claim)
        {
            request.SignatureClaim = null;
            await authenticator.ReleaseAsync(claim);
        }
    }

    /// <summary>
    /// What a destination learns about the caller comes from the gateway alone. The forwarder copies the incoming
    /// headers, so they are fixed here: identity headers a caller sent are replaced by the authenticated partner's,
    /// credentials (API key, operators' key) never travel further (admin pass-through presents the service admin
    /// key instead; a route whose destination signs its users in itself gets no key at all), and the correlation id
    /// is the one the gateway settled on. W3C trace context is set by the
    /// forwarder from the gateway's own span.
    /// </summary>
    private void StampForwardedHeaders(IHeaderDictionary headers, RouteGroup group, Partner? partner)
    {
        headers.Remove(ApiKeys.HeaderName);
        headers.Remove(AdminKeyFilter.HeaderName);
        if (CorrelationContext.Current is { } correlationId)
        {
            headers[CorrelationContext.HeaderName] = correlationId;
        }

        if (partner is not null)
        {
            headers[PartnerHeaders.PartnerId] = partner.PartnerId;
            headers[PartnerHeaders.Channel] = partner.Channel;
            headers[PartnerHeaders.Scopes] = partner.ScopesHeader;
            return;
        }

        headers.Remove(PartnerHeaders.PartnerId);
        headers.Remove(PartnerHeaders.Channel);
        headers.Remove(PartnerHeaders.Scopes);
        if (group.Auth == AuthScheme.AdminKey && _serviceAdminKey is not null)
        {
            headers[AdminKeyFilter.HeaderName] = _serviceAdminKey;
        }
    }

    private ValueTask<AuthResult> AuthenticateAsync(HttpContext context, RouteGroup group, GatewayRequestFeature request) => group.Auth switch
    {
        AuthScheme.ApiKey => authenticator.ApiKeyAsync(context),
        _ => AuthenticateSignedAsync(context, group, request),
    };

    private async ValueTask<AuthResult> AuthenticateSignedAsync(HttpContext context, RouteGroup group, GatewayRequestFeature request)
    {
        var body = await RequestBody.BufferAsync(context, group.MaxBodyBytes);
        request.RequestBytes = body.Length;
        return group.Auth == AuthScheme.ShopifyHmac
            ? await authenticator.ShopifyAsync(context, body)
            : await authenticator.SignedAsync(context, body);
    }

    private static Task TooLargeAsync(HttpContext context, RouteGroup group) =>
        GatewayProblems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ProblemCodes.PayloadTooLarge,
            "Request body too large", $"This route accepts bodies up to {group.MaxBodyBytes} bytes.");

    /// <summary>
    /// YARP leaves a failed forward as a bare status code; partners get problem details instead. When the destination
    /// never answered (not reached, or no answer in time), the request's signature is given back, so the retry these
    /// answers invite can send the same signed bytes; once the destination has answered, the signature stays used.
    /// </summary>
    private async Task MapForwardingErrorAsync(HttpContext context, GatewayRequestFeature request)
    {
        if (context.GetForwarderErrorFeature() is not { } failure || context.Response.HasStarted)
        {
            return;
        }

        if (failure.Error is ForwarderError.Request or ForwarderError.RequestCreation or ForwarderError.RequestTimedOut
            or ForwarderError.RequestBodyDestination or ForwarderError.NoAvailableDestinations)
        {
            await ReleaseSignatureAsync(request);
        }

        await (failure.Error switch
        {
            ForwarderError.RequestCanceled => Task.CompletedTask,
            ForwarderError.RequestTimedOut => GatewayProblems.WriteAsync(context, StatusCodes.Status504GatewayTimeout, ProblemCodes.Timeout,
                "Destination timed out", "The service behind this route did not answer in time. Retrying an idempotent request is safe."),
            ForwarderError.NoAvailableDestinations => GatewayProblems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ProblemCodes.Unavailable,
                "Destination unavailable", "The service behind this route is not available; try again shortly."),
            ForwarderError.RequestBodyClient when IsTooLarge(failure.Exception) =>
                GatewayProblems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ProblemCodes.PayloadTooLarge, "Request body too large", null),
            ForwarderError.RequestBodyClient => GatewayProblems.WriteAsync(context, StatusCodes.Status400BadRequest, ProblemCodes.BadRequest,
                "Request body could not be read", null),
            _ => GatewayProblems.WriteAsync(context, StatusCodes.Status502BadGateway, GatewayProblems.UpstreamUnavailable,
                "Destination unreachable", "The service behind this route could not be reached; try again shortly."),
        });
    }

    private static bool IsTooLarge(Exception? error) => error switch
    {
        null => false,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => true,
        _ => IsTooLarge(error.InnerException),
    };

    private static void AddDeprecationHeaders(IHeaderDictionary headers, RouteGroup group)
    {
        if (group.Deprecation is { } deprecation)
        {
            headers["Deprecation"] = deprecation;
        }

        if (group.Sunset is { } sunset)
        {
            headers["Sunset"] = sunset;
        }

        if (group.Link is { } link)
        {
            headers.Link = link;
        }
    }

    private static void AddRateLimitHeaders(IHeaderDictionary headers, RateDecision decision)
    {
        headers["RateLimit-Limit"] = HeaderNumber(decision.Limit);
        headers["RateLimit-Remaining"] = HeaderNumber(decision.Remaining);
        headers["RateLimit-Reset"] = HeaderNumber(decision.ResetSeconds);
    }

    // Small numbers are formatted once, not per request.
    private static readonly string[] SmallNumbers = [.. Enumerable.Range(0, 1024).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private static string HeaderNumber(int value) =>
        (uint)value < (uint)SmallNumbers.Length ? SmallNumbers[value] : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
