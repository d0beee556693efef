using System.Threading.RateLimiting;
using Distribution.Aspire.Operations.DeadLetters;
using Distribution.Aspire.Operations.Exceptions;
using Distribution.Aspire.Operations.Gateway;
using Distribution.Aspire.Operations.Orders;
using Distribution.Aspire.Operations.Partners;
using Distribution.Aspire.Operations.SignIn;
using Distribution.Aspire.ServiceDefaults.Health;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using FulfillmentProto = Distribution.Aspire.Contracts.Fulfillment.V1;
using OrdersProto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.Operations;

public static class ApplicationServiceExtensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var section = builder.Configuration.GetSection(OperationsOptions.SectionName);
        var options = section.Get<OperationsOptions>() ?? new OperationsOptions();
        services.Configure<OperationsOptions>(section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<OperationsTelemetry>();
        services.AddSingleton<OperatorKey>();
        services.AddSingleton<SlaPolicy>();
        services.AddTransient<ExceptionBoard>();
        services.AddTransient<DeadLetterDesk>();
        services.AddTransient<PartnerBoard>();
        services.AddTransient<OrderTimeline>();

        // A page shows a service that does not answer as such; retrying it first would only make the page slow,
        // and an operator's replay must not be sent twice.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented opt-out of the defaults.
        services.AddHttpClient<GatewayAdminClient>((provider, client) =>
        {
            client.BaseAddress = options.GatewayAddress;
            client.Timeout = TimeSpan.FromSeconds(options.BackendTimeoutSeconds);
            if (provider.GetRequiredService<IConfiguration>()[GatewayAdminClient.AdminKeySetting] is { Length: > 0 } key)
            {
                client.DefaultRequestHeaders.Add(GatewayAdminClient.AdminKeyHeader, key);
            }
        }).RemoveAllResilienceHandlers();
        services.AddGrpcClient<OrdersProto.Orders.OrdersClient>(client => client.Address = options.OrdersAddress).RemoveAllResilienceHandlers();
        services.AddGrpcClient<FulfillmentProto.Fulfillment.FulfillmentClient>(client => client.Address = options.FulfillmentAddress).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.Cookie.Name = SignInDefaults.CookieName;
            cookie.Cookie.Path = SignInDefaults.PathBase;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            // Secure whenever the operator reached the gateway over https (the gateway says so in X-Forwarded-Proto).
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = "/signin";
            cookie.AccessDeniedPath = "/signin";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(options.SessionHours);
            cookie.SlidingExpiration = true;
        });
        services.AddAuthorization();
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = SignInDefaults.AntiforgeryCookieName;
            antiforgery.Cookie.Path = SignInDefaults.PathBase;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddRazorPages(pages =>
        {
            pages.Conventions.AuthorizeFolder("/");
            pages.Conventions.AllowAnonymousToPage("/SignIn");
        });
        services.Configure<RouteOptions>(routes => routes.LowercaseUrls = true);
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(SignInDefaults.RateLimitPolicy, context => HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.SignInAttemptsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                })
                : RateLimitPartition.GetNoLimiter(string.Empty));
        });

        // The gateway (on loopback, the default trusted proxy) says which scheme and client the operator used.
        services.Configure<ForwardedHeadersOptions>(forwarded => forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);
        return builder;
    }

    /// <summary>The console under <c>/ops</c>, as the gateway forwards it; everything but sign-in needs an operator's cookie.</summary>
    public static WebApplication MapOperationsConsole(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseSecurityHeaders();
        app.UsePathBase(SignInDefaults.PathBase);
        app.Use((context, next) =>
        {
            // Only /ops/… (and the health probes) exist: the gateway forwards /ops unchanged and the cookie is scoped to it.
            if (!context.Request.PathBase.HasValue && !HealthPaths.IsProbe(context.Request.Path))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
        app.UseStaticFiles();
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapRazorPages();
        return app;
    }

    private static void UseSecurityHeaders(this WebApplication app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Pages show payloads and partner data: never cached by the browser or anything between.
        headers.CacheControl = "no-store";
        return next(context);
    });
}
