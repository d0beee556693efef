using System.Diagnostics;
using Distribution.Aspire.ServiceDefaults.Correlation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Distribution.Aspire.ServiceDefaults.Errors;

public static class ProblemDetailsExtensions
{
    public static TBuilder AddProblemDetailsDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            problem.Extensions.TryAdd(ProblemCodes.ExtensionName, ProblemCodes.ForStatus(status));
            problem.Extensions.TryAdd("traceId", Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier);
            if (CorrelationContext.Current is { } correlationId)
            {
                problem.Extensions.TryAdd("correlationId", correlationId);
            }

            // Unhandled exceptions must not leak internals to partners, whatever the environment.
            if (status >= StatusCodes.Status500InternalServerError && context.Exception is not null)
            {
                problem.Detail = "The request could not be completed. Quote the correlation id when reporting this.";
            }
        });

        // Unreadable JSON is the caller's mistake: a 400 problem (code bad_request) in every environment,
        // where Development would otherwise rethrow it and the exception handler answer 500.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
        return builder;
    }

    /// <summary>Unhandled exceptions and bare status codes (404 for an unknown path, 405, …) become problem details.</summary>
    public static WebApplication UseProblemDetailsDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
