using Distribution.Aspire.Messaging.Dapr;
using Distribution.Aspire.Messaging.DeadLetters;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Messaging;

public static class MessagingEndpointsExtensions
{
    /// <summary>The dead-letters admin API, and the Dapr subscription routes when Dapr is the transport.</summary>
    public static IEndpointRouteBuilder MapMessagingEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapDeadLettersApi();
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<MessagingOptions>>().Value.Transport == MessagingTransport.Dapr)
        {
            endpoints.MapDaprSubscriptions();
        }

        return endpoints;
    }
}
