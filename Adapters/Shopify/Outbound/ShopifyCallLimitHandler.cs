using System.Net;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Shopify.Outbound;

/// <summary>
/// Paces every REST attempt (retries too) by <see cref="ShopifyCallBudget"/> and feeds it Shopify's answers; every 429 is
/// counted here (<c>adapter.throttled.received</c>), including those the retries absorb. GraphQL calls are limited by
/// their cost instead (<see cref="ShopifyCostBudget"/>) and pass straight through; their THROTTLED answers are counted
/// where they are read (<see cref="ShopifyAdminClient"/>).
/// </summary>
public sealed class ShopifyCallLimitHandler(ShopifyCallBudget budget, TimeProvider clock, AdapterMetrics metrics, IOptions<ShopifyOptions> options) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(ShopifyCostBudget.CostLimited, out var costLimited) && costLimited)
        {
            var answer = await base.SendAsync(request, cancellationToken);
            if (answer.StatusCode == HttpStatusCode.TooManyRequests)
            {
                CountThrottled(request);
            }

            return answer;
        }

        var wait = budget.Reserve();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, clock, cancellationToken);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.NonValidated.TryGetValues(ShopifyCallBudget.CallLimitHeader, out var values))
        {
            budget.Observe(values.FirstOrDefault());
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            budget.Throttled();
            CountThrottled(request);
        }

        return response;
    }

    private void CountThrottled(HttpRequestMessage request) =>
        metrics.CountThrottled(
            options.Value.PartnerId, ShopifyOptions.Channel, request.Options.TryGetValue(ShopifyRetryPolicy.Operation, out var operation) ? operation : "unknown");
}
