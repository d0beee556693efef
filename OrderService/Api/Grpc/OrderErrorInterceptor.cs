using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.ServiceDefaults.Errors;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Distribution.Aspire.OrderService.Api.Grpc;

/// <summary>
/// A refusal of the domain becomes a gRPC status with the stable code in the <c>error-code</c> trailer
/// (and the offending member in <c>error-field</c>), so callers branch on the code, not on the text.
/// </summary>
public sealed class OrderErrorInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (OrderRejectedException rejected)
        {
            var status = rejected.Kind switch
            {
                RejectionKind.NotFound => StatusCode.NotFound,
                RejectionKind.Conflict => StatusCode.FailedPrecondition,
                _ => StatusCode.InvalidArgument,
            };
            throw GrpcRefusal.Create(status, rejected.Code, rejected.Message, rejected.Field);
        }
    }
}
