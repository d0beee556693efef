using System.Collections.Concurrent;
using Distribution.Aspire.Contracts.Orders.V1;
using Grpc.Core;

namespace Distribution.Aspire.Adapters.Amazon.Tests;

/// <summary>What the OrderService double was asked, and how it should answer.</summary>
public sealed class RecordingOrders
{
    public ConcurrentQueue<SubmitOrderRequest> Submitted { get; } = new();

    public ConcurrentQueue<CancelOrderRequest> Cancelled { get; } = new();

    public ConcurrentDictionary<string, Guid> OrderIds { get; } = new();

    /// <summary>SKUs the double refuses as OrderService would refuse a SKU it does not know.</summary>
    public ConcurrentDictionary<string, bool> UnknownSkus { get; } = new();

    public bool Unavailable { get; set; }

    /// <summary>Commits the submit, then answers DeadlineExceeded: the caller cannot know the order exists.</summary>
    public bool SubmitAnswerLost { get; set; }

    /// <summary>Keys (channel|partner|channel order id) of orders that are cancelled, or cancelled before they arrived.</summary>
    public ConcurrentDictionary<string, bool> CancelledKeys { get; } = new();
}

/// <summary>A test double of OrderService's gRPC Orders API: idempotent on channel + partner + channel order id.</summary>
public sealed class RecordingOrdersService(RecordingOrders state) : Contracts.Orders.V1.Orders.OrdersBase
{
    public override Task<SubmitOrderResponse> SubmitOrder(SubmitOrderRequest request, ServerCallContext context)
    {
        if (state.Unavailable)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "down for the test"));
        }

        if (request.Lines.FirstOrDefault(line => state.UnknownSkus.ContainsKey(line.Sku)) is { } unknown)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"SKU {unknown.Sku} is not known."), new Metadata { { "error-code", "unknown_sku" } });
        }

        state.Submitted.Enqueue(request);
        var key = $"{request.Channel}|{request.PartnerId}|{request.ChannelOrderId}";
        var created = false;
        var id = state.OrderIds.GetOrAdd(key, _ =>
        {
            created = true;
            return Guid.NewGuid();
        });
        if (state.SubmitAnswerLost)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, "the answer was lost for the test"));
        }

        return Task.FromResult(new SubmitOrderResponse
        {
            Order = new Order
            {
                OrderId = id.ToString(),
                Channel = request.Channel,
                PartnerId = request.PartnerId,
                ChannelOrderId = request.ChannelOrderId,
                FulfillmentChannel = request.FulfillmentChannel,
                Status = state.CancelledKeys.ContainsKey(key) ? OrderStatus.Cancelled : OrderStatus.Received,
            },
            Outcome = created ? SubmitOutcome.Created : SubmitOutcome.Unchanged,
        });
    }

    public override Task<Order> CancelOrder(CancelOrderRequest request, ServerCallContext context)
    {
        state.Cancelled.Enqueue(request);
        if (string.IsNullOrEmpty(request.OrderId))
        {
            // By the channel's id, as OrderService does: an order not there yet is recorded as cancelled before it arrives.
            var key = $"{request.Channel}|{request.PartnerId}|{request.ChannelOrderId}";
            state.CancelledKeys[key] = true;
            return Task.FromResult(new Order
            {
                OrderId = state.OrderIds.TryGetValue(key, out var known) ? known.ToString() : string.Empty,
                Channel = request.Channel,
                PartnerId = request.PartnerId,
                ChannelOrderId = request.ChannelOrderId,
                Status = OrderStatus.Cancelled,
            });
        }

        foreach (var (key, id) in state.OrderIds)
        {
            if (id.ToString() == request.OrderId)
            {
                state.CancelledKeys[key] = true;
            }
        }

        return Task.FromResult(new Order { OrderId = request.OrderId, PartnerId = request.PartnerId, Status = OrderStatus.Cancelled });
    }
}
