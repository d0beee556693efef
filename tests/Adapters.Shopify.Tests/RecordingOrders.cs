using System.Collections.Concurrent;
using Distribution.Aspire.Contracts.Orders.V1;
using Distribution.Aspire.TestInfrastructure;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Distribution.Aspire.Adapters.Shopify.Tests;

/// <summary>
/// A stand-in for the order service: the real gRPC <c>Orders</c> contract over HTTP/2, recording every call and
/// keeping SubmitOrder idempotent on (channel, partner, channel order id) as the real one is. Channel order ids in
/// <see cref="Recorder.Refuse"/> are rejected with INVALID_ARGUMENT and an error-code trailer.
/// </summary>
public sealed class RecordingOrders : IAsyncDisposable
{
    private RecordingOrders(TestWebApp app, Recorder recorder)
    {
        App = app;
        Calls = recorder;
    }

    public TestWebApp App { get; }

    public Recorder Calls { get; }

    public Uri Address => App.GrpcAddress;

    public static async Task<RecordingOrders> StartAsync()
    {
        var recorder = new Recorder();
        var app = await TestWebApp.StartAsync(
            new Dictionary<string, string?>(),
            builder =>
            {
                Distribution.Aspire.ServiceDefaults.Hosting.ServiceEndpointsExtensions.ConfigureServiceEndpoints(builder);
                builder.Services.AddGrpc();
                builder.Services.AddSingleton(recorder);
            },
            app => app.MapGrpcService<Service>());
        return new RecordingOrders(app, recorder);
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();

    public sealed class Recorder
    {
        private readonly ConcurrentDictionary<string, Order> _orders = new();

        public ConcurrentQueue<SubmitOrderRequest> Submits { get; } = new();

        public ConcurrentQueue<CancelOrderRequest> Cancels { get; } = new();

        public ConcurrentDictionary<string, string> Refuse { get; } = new();

        public int Created => _orders.Count;

        public IReadOnlyCollection<Order> Orders => [.. _orders.Values];

        public Order? ByChannelOrderId(string channelOrderId) => _orders.Values.FirstOrDefault(o => o.ChannelOrderId == channelOrderId);

        private readonly Dictionary<string, int> _inFlight = [];

        /// <summary>Most different orders whose SubmitOrder calls were running at the same time (a retried call is the same order).</summary>
        public int MostInFlight { get; private set; }

        /// <summary>While set, every SubmitOrder waits for it: calls pile up for as long as the caller sends them.</summary>
        public TaskCompletionSource? Hold { get; set; }

        public async Task<SubmitOrderResponse> SubmitAsync(SubmitOrderRequest request)
        {
            lock (_inFlight)
            {
                _inFlight[request.ChannelOrderId] = _inFlight.GetValueOrDefault(request.ChannelOrderId) + 1;
                MostInFlight = Math.Max(MostInFlight, _inFlight.Count);
            }

            try
            {
                if (Hold is { } hold)
                {
                    await hold.Task.WaitAsync(TimeSpan.FromSeconds(30));
                }

                return Submit(request);
            }
            finally
            {
                lock (_inFlight)
                {
                    if (--_inFlight[request.ChannelOrderId] == 0)
                    {
                        _inFlight.Remove(request.ChannelOrderId);
                    }
                }
            }
        }

        public SubmitOrderResponse Submit(SubmitOrderRequest request)
        {
            Submits.Enqueue(request.Clone());
            if (Refuse.TryGetValue(request.ChannelOrderId, out var code))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"refused: {code}"), new Metadata { { "error-code", code } });
            }

            var key = $"{request.Channel}|{request.PartnerId}|{request.ChannelOrderId}";
            var outcome = SubmitOutcome.Unchanged;
            var order = _orders.AddOrUpdate(
                key,
                _ =>
                {
                    outcome = SubmitOutcome.Created;
                    return ToOrder(request, Guid.NewGuid().ToString(), OrderStatus.Received);
                },
                (_, existing) =>
                {
                    if (existing.Lines.Equals(request.Lines) && existing.ShipTo.Equals(request.ShipTo))
                    {
                        return existing;
                    }

                    outcome = SubmitOutcome.Updated;
                    return ToOrder(request, existing.OrderId, existing.Status);
                });
            return new SubmitOrderResponse { Order = order, Outcome = outcome };
        }

        public Order Cancel(CancelOrderRequest request)
        {
            Cancels.Enqueue(request.Clone());
            var entry = _orders.FirstOrDefault(o => o.Value.OrderId == request.OrderId);
            if (entry.Value is null)
            {
                throw new RpcException(new Status(StatusCode.NotFound, "no such order"), new Metadata { { "error-code", "order_not_found" } });
            }

            var cancelled = entry.Value.Clone();
            cancelled.Status = OrderStatus.Cancelled;
            _orders[entry.Key] = cancelled;
            return cancelled;
        }

        public Order Get(string orderId) =>
            _orders.Values.FirstOrDefault(o => o.OrderId == orderId)
            ?? throw new RpcException(new Status(StatusCode.NotFound, "no such order"));

        private static Order ToOrder(SubmitOrderRequest request, string orderId, OrderStatus status)
        {
            var order = new Order
            {
                OrderId = orderId,
                Channel = request.Channel,
                PartnerId = request.PartnerId,
                ChannelOrderId = request.ChannelOrderId,
                CustomerReference = request.CustomerReference,
                ShipTo = request.ShipTo,
                Currency = request.Currency,
                Status = status,
            };
            order.Lines.AddRange(request.Lines);
            return order;
        }
    }

    private sealed class Service(Recorder recorder) : Contracts.Orders.V1.Orders.OrdersBase
    {
        public override Task<SubmitOrderResponse> SubmitOrder(SubmitOrderRequest request, ServerCallContext context) => recorder.SubmitAsync(request);

        public override Task<Order> CancelOrder(CancelOrderRequest request, ServerCallContext context) => Task.FromResult(recorder.Cancel(request));

        public override Task<Order> GetOrder(GetOrderRequest request, ServerCallContext context) => Task.FromResult(recorder.Get(request.OrderId));
    }
}
