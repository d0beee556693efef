using Distribution.Aspire.ServiceDefaults.Errors;
using Grpc.Core;

namespace Distribution.Aspire.ServiceDefaults.Tests.Errors;

public sealed class GrpcRefusalTests
{
    [Fact]
    public void A_refusal_carries_its_code_and_field_in_trailers_and_a_detail_short_enough_for_a_header()
    {
        var refused = GrpcRefusal.Create(StatusCode.InvalidArgument, "invalid_text", new string('x', 50_000), "lines[0].sku");

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("invalid_text", refused.Trailers.GetValue("error-code"));
        Assert.Equal("lines[0].sku", refused.Trailers.GetValue("error-field"));
        Assert.Equal(2000, refused.Status.Detail.Length);
        Assert.Equal("invalid_text", GrpcRefusal.CodeOf(refused));
    }

    [Fact]
    public void A_refusal_without_a_field_sends_no_field_trailer()
    {
        var refused = GrpcRefusal.Create(StatusCode.NotFound, "order_not_found", "No such order.");

        Assert.Null(refused.Trailers.Get("error-field"));
        Assert.Equal("No such order.", refused.Status.Detail);
    }

    [Fact]
    public void A_failure_that_is_no_refusal_has_no_code()
    {
        Assert.Null(GrpcRefusal.CodeOf(new RpcException(new Status(StatusCode.Unavailable, "connection refused"))));
        Assert.Null(GrpcRefusal.CodeOf(new RpcException(new Status(StatusCode.Internal, "proxy"), new Metadata { { "error-code", "" } })));
    }
}
