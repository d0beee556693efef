using Distribution.Aspire.Gateway.Partners;
using Distribution.Aspire.ServiceDefaults.Correlation;
using Distribution.Aspire.ServiceDefaults.Partners;
using Distribution.Aspire.ServiceDefaults.Security;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Distribution.Aspire.Gateway.Routing;

/// <summary>
/// What a destination learns about the caller comes from the gateway alone: identity headers a caller sent are
/// dropped and replaced by the authenticated partner's; credentials (API key, admin key) never travel further;
/// the correlation id forwarded is the one the gateway settled on (W3C trace context is set by the forwarder).
/// </summary>
internal sealed class ForwardedHeadersTransform(IOptions<GatewayOptions> options) : ITransformProvider
{
    private readonly string? _serviceAdminKey = options.Value.ServiceAdminKey is { Length: > 0 } key ? key : null;

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context) => context.AddRequestTransform(Stamp);

    private ValueTask Stamp(RequestTransformContext transform)
    {
        var headers = transform.ProxyRequest.Headers;
        headers.Remove(PartnerHeaders.PartnerId);
        headers.Remove(PartnerHeaders.Channel);
        headers.Remove(PartnerHeaders.Scopes);
        headers.Remove(ApiKeys.HeaderName);
        headers.Remove(AdminKeyFilter.HeaderName);
        headers.Remove(CorrelationContext.HeaderName);
        if (CorrelationContext.Current is { } correlationId)
        {
            headers.TryAddWithoutValidation(CorrelationContext.HeaderName, correlationId);
        }

        var request = transform.HttpContext.Features.Get<GatewayRequestFeature>();
        if (request?.Partner is { } partner)
        {
            headers.TryAddWithoutValidation(PartnerHeaders.PartnerId, partner.PartnerId);
            headers.TryAddWithoutValidation(PartnerHeaders.Channel, partner.Channel);
            headers.TryAddWithoutValidation(PartnerHeaders.Scopes, partner.ScopesHeader);
        }
        else if (request?.Group.Auth == AuthScheme.AdminKey && _serviceAdminKey is not null)
        {
            headers.TryAddWithoutValidation(AdminKeyFilter.HeaderName, _serviceAdminKey);
        }

        return ValueTask.CompletedTask;
    }
}
