using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Distribution.Aspire.ServiceDefaults.Correlation;

/// <summary>
/// Reads <c>X-Correlation-Id</c> (or creates one from the trace id), returns it on the response and
/// puts it on the log scope and span of everything the request does.
/// </summary>
internal sealed class CorrelationIdMiddleware(RequestDelegate next, ILogger<CorrelationIdMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[CorrelationContext.HeaderName].ToString();
        var correlationId = CorrelationContext.IsAcceptable(incoming) ? incoming : CorrelationContext.NewId();

        CorrelationContext.Set(correlationId);
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[CorrelationContext.HeaderName] = correlationId;
            return Task.CompletedTask;
        });

        using (logger.BeginScope(new Dictionary<string, object> { [CorrelationContext.LogScopeKey] = correlationId }))
        {
            await next(context);
        }
    }
}
