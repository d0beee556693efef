using Distribution.Aspire.FulfillmentService.Domain;
using Distribution.Aspire.ServiceDefaults.Errors;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Distribution.Aspire.FulfillmentService.Api.Grpc;

/// <summary>
/// A refusal becomes a gRPC status with the stable code in the <c>error-code</c> trailer (and the offending
/// member in <c>error-field</c>), the same convention as the order service, so adapters branch on the code.
/// </summary>
public sealed class FulfillmentErrorInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (FulfillmentRejectedException rejected)
        {
            var status = rejected.Kind switch
            {
                RejectionKind.NotFound => StatusCode.NotFound,
                RejectionKind.Conflict => StatusCode.FailedPrecondition,
                RejectionKind.Unavailable => StatusCode.Unavailable,
                _ => StatusCode.InvalidArgument,
            };
            throw GrpcRefusal.Create(status, rejected.Code, rejected.Message, rejected.Field);
        }
    }
}
