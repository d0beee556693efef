using Distribution.Aspire.ServiceDefaults.Errors;
using Distribution.Aspire.SettlementService.Domain;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Distribution.Aspire.SettlementService.Api;

/// <summary>A refusal becomes a gRPC status with the stable code in the <c>error-code</c> trailer, as the order service does.</summary>
public sealed class SettlementErrorInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (SettlementRejectedException rejected)
        {
            var status = rejected.Kind switch
            {
                RejectionKind.NotFound => StatusCode.NotFound,
                RejectionKind.Conflict => StatusCode.FailedPrecondition,
                RejectionKind.Forbidden => StatusCode.PermissionDenied,
                _ => StatusCode.InvalidArgument,
            };
            throw GrpcRefusal.Create(status, rejected.Code, rejected.Message);
        }
    }
}
