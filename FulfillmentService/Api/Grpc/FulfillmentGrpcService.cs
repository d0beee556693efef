using Distribution.Aspire.FulfillmentService.Exceptions;
using Distribution.Aspire.FulfillmentService.Returns;
using Distribution.Aspire.FulfillmentService.Shipments;
using Grpc.Core;
using Proto = Distribution.Aspire.Contracts.Fulfillment.V1;

namespace Distribution.Aspire.FulfillmentService.Api.Grpc;

/// <summary>The fulfillment.v1 system API: what partner adapters report, and what operators and services read.</summary>
public sealed class FulfillmentGrpcService(ShipmentTracking tracking, ShipmentReader shipments, ExceptionDesk exceptions, ReturnDesk returns, TimeProvider time)
    : Proto.Fulfillment.FulfillmentBase
{
    public override async Task<Proto.Shipment> GetShipment(Proto.GetShipmentRequest request, ServerCallContext context) =>
        FulfillmentMessages.ToMessage(await shipments.GetAsync(FulfillmentMessages.ShipmentId(request.ShipmentId), context.CancellationToken));

    public override async Task<Proto.ListShipmentsResponse> ListShipments(Proto.ListShipmentsRequest request, ServerCallContext context)
    {
        var page = await shipments.ListAsync(FulfillmentMessages.ToFilter(request), context.CancellationToken);
        var response = new Proto.ListShipmentsResponse { NextPageToken = page.NextPageToken ?? string.Empty };
        response.Shipments.AddRange(page.Shipments.Select(FulfillmentMessages.ToMessage));
        return response;
    }

    public override async Task<Proto.Shipment> AcknowledgeShipment(Proto.AcknowledgeShipmentRequest request, ServerCallContext context) =>
        FulfillmentMessages.ToMessage(await tracking.RecordMilestoneAsync(FulfillmentMessages.ToReport(request), context.CancellationToken));

    public override async Task<Proto.Shipment> RecordMilestone(Proto.RecordMilestoneRequest request, ServerCallContext context) =>
        FulfillmentMessages.ToMessage(await tracking.RecordMilestoneAsync(FulfillmentMessages.ToReport(request), context.CancellationToken));

    public override async Task<Proto.Shipment> RecordDispatch(Proto.RecordDispatchRequest request, ServerCallContext context) =>
        FulfillmentMessages.ToMessage(await tracking.RecordDispatchAsync(FulfillmentMessages.ToReport(request), context.CancellationToken));

    public override async Task<Proto.ListExceptionsResponse> ListExceptions(Proto.ListExceptionsRequest request, ServerCallContext context)
    {
        var page = await exceptions.ListAsync(request.IncludeResolved, request.PageSize, FulfillmentMessages.Optional(request.PageToken), context.CancellationToken);
        var now = time.GetUtcNow();
        var response = new Proto.ListExceptionsResponse { NextPageToken = page.NextPageToken ?? string.Empty };
        response.Exceptions.AddRange(page.Exceptions.Select(issue => FulfillmentMessages.ToMessage(issue, now)));
        return response;
    }

    public override async Task<Proto.FulfillmentException> ResolveException(Proto.ResolveExceptionRequest request, ServerCallContext context) =>
        FulfillmentMessages.ToMessage(
            await exceptions.ResolveAsync(FulfillmentMessages.ExceptionId(request.ExceptionId), request.Resolution, context.CancellationToken), time.GetUtcNow());

    public override async Task<Proto.Return> AuthorizeReturn(Proto.AuthorizeReturnRequest request, ServerCallContext context) =>
        FulfillmentMessages.ToMessage(await returns.AuthorizeAsync(FulfillmentMessages.ToInput(request), context.CancellationToken));

    public override async Task<Proto.Return> ReceiveReturn(Proto.ReceiveReturnRequest request, ServerCallContext context) =>
        FulfillmentMessages.ToMessage(await returns.ReceiveAsync(FulfillmentMessages.ToInput(request), context.CancellationToken));
}
