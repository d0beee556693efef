using System.Net;

namespace Distribution.Aspire.Adapters.Shopify.Outbound;

/// <summary>Paces every attempt (retries too) by <see cref="ShopifyCallBudget"/> and feeds it Shopify's answers.</summary>
public sealed class ShopifyCallLimitHandler(ShopifyCallBudget budget, TimeProvider clock) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
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
        }

        return response;
    }
}
