using Grpc.Core;

namespace Distribution.Aspire.ServiceDefaults.Errors;

/// <summary>
/// How a service refuses a gRPC call, and how its callers read the refusal: the stable code travels in the
/// <c>error-code</c> trailer (the offending member, when there is one, in <c>error-field</c>), so callers branch on the
/// code, never on the message text. Every service writes and every adapter reads it through here.
/// </summary>
public static class GrpcRefusal
{
    public const string CodeTrailer = "error-code";
    public const string FieldTrailer = "error-field";

    // Detail travels in a header; a refusal quoting a huge input must not make the response unsendable.
    private const int MaxDetailLength = 2000;

    public static RpcException Create(StatusCode status, string code, string detail, string? field = null)
    {
        var trailers = new Metadata { { CodeTrailer, code } };
        if (field is not null)
        {
            trailers.Add(FieldTrailer, field);
        }

        return new RpcException(new Status(status, detail.Length <= MaxDetailLength ? detail : detail[..MaxDetailLength]), trailers);
    }

    /// <summary>The refusal's stable code; null when the call failed without one (the service down, a timeout, a proxy's answer).</summary>
    public static string? CodeOf(RpcException exception) => exception.Trailers.GetValue(CodeTrailer) is { Length: > 0 } code ? code : null;
}
