using Distribution.Aspire.Contracts;
using Distribution.Aspire.Contracts.Common.V1;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.OrderService.Queries;
using Distribution.Aspire.OrderService.Submitting;
using Google.Protobuf.WellKnownTypes;
using Proto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.OrderService.Api.Grpc;

/// <summary>Between the proto messages of orders.v1 and the domain.</summary>
public static class OrderMessages
{
    private static readonly Dictionary<OrderStatus, Proto.OrderStatus> Statuses = new()
    {
        [OrderStatus.Received] = Proto.OrderStatus.Received,
        [OrderStatus.Reserved] = Proto.OrderStatus.Reserved,
        [OrderStatus.Backordered] = Proto.OrderStatus.Backordered,
        [OrderStatus.Accepted] = Proto.OrderStatus.Accepted,
        [OrderStatus.Released] = Proto.OrderStatus.Released,
        [OrderStatus.PartiallyShipped] = Proto.OrderStatus.PartiallyShipped,
        [OrderStatus.Shipped] = Proto.OrderStatus.Shipped,
        [OrderStatus.Delivered] = Proto.OrderStatus.Delivered,
        [OrderStatus.Cancelled] = Proto.OrderStatus.Cancelled,
        [OrderStatus.Returned] = Proto.OrderStatus.Returned,
    };

    private static readonly Dictionary<Proto.OrderStatus, OrderStatus> FromProto = Statuses.ToDictionary(pair => pair.Value, pair => pair.Key);

    public static OrderSubmission ToSubmission(Proto.SubmitOrderRequest request) => new(
        request.Channel,
        request.PartnerId,
        request.ChannelOrderId,
        request.CustomerReference,
        request.ShipTo is { } address
            ? new AddressInput(address.Name, address.Line1, address.Line2, address.City, address.Region, address.PostalCode, address.Country)
            : null,
        request.Currency,
        request.Lines.Select(line => new LineInput(line.LineId, line.Sku, line.Quantity, Money(line.UnitPrice), Money(line.Discount), Money(line.Tax))).ToList(),
        request.FulfillmentChannel switch
        {
            Proto.FulfillmentChannel.Unspecified => null,
            Proto.FulfillmentChannel.Merchant => FulfillmentChannels.Merchant,
            Proto.FulfillmentChannel.Marketplace => FulfillmentChannels.Marketplace,
            var unknown => unknown.ToString(),
        },
        Instant(request.RequestedShipBy, "requestedShipBy", OrderCodes.InvalidRequestedShipBy),
        request.Priority);

    public static Proto.SubmitOrderResponse ToResponse(SubmitResult result) => new()
    {
        Order = ToMessage(result.Order),
        Outcome = result.Outcome switch
        {
            SubmitOutcome.Created => Proto.SubmitOutcome.Created,
            SubmitOutcome.Updated => Proto.SubmitOutcome.Updated,
            _ => Proto.SubmitOutcome.Unchanged,
        },
    };

    public static Proto.Order ToMessage(Order order)
    {
        var message = new Proto.Order
        {
            OrderId = order.OrderId.ToString(),
            Channel = order.Channel,
            PartnerId = order.PartnerId,
            ChannelOrderId = order.ChannelOrderId,
            CustomerReference = order.CustomerReference ?? string.Empty,
            ShipTo = new Address
            {
                Name = order.ShipTo.Name,
                Line1 = order.ShipTo.Line1,
                Line2 = order.ShipTo.Line2 ?? string.Empty,
                City = order.ShipTo.City,
                Region = order.ShipTo.Region,
                PostalCode = order.ShipTo.PostalCode,
                Country = order.ShipTo.Country,
            },
            Currency = order.Currency,
            Totals = new Proto.OrderTotals
            {
                Subtotal = MoneyAmount.ToMoney(order.Totals.Subtotal, order.Currency),
                Discount = MoneyAmount.ToMoney(order.Totals.Discount, order.Currency),
                Tax = MoneyAmount.ToMoney(order.Totals.Tax, order.Currency),
                Total = MoneyAmount.ToMoney(order.Totals.Total, order.Currency),
            },
            FulfillmentChannel = order.FulfillmentChannel == FulfillmentChannels.Marketplace
                ? Proto.FulfillmentChannel.Marketplace
                : Proto.FulfillmentChannel.Merchant,
            RequestedShipBy = order.RequestedShipBy is { } shipBy ? Timestamp.FromDateTimeOffset(shipBy) : null,
            Priority = order.Priority,
            Status = Statuses[order.Status],
            CreatedAt = Timestamp.FromDateTimeOffset(order.CreatedAt),
            UpdatedAt = Timestamp.FromDateTimeOffset(order.UpdatedAt),
            Version = order.Version,
        };
        message.Lines.AddRange(order.Lines.Select(line => new Proto.OrderLine
        {
            LineId = line.LineId,
            Sku = line.Sku,
            Quantity = line.Quantity,
            UnitPrice = MoneyAmount.ToMoney(line.UnitPrice, order.Currency),
            Discount = MoneyAmount.ToMoney(line.Discount, order.Currency),
            Tax = MoneyAmount.ToMoney(line.Tax, order.Currency),
            Total = MoneyAmount.ToMoney(line.Total, order.Currency),
            ShippedQuantity = line.ShippedQuantity,
        }));
        message.History.AddRange(order.History.Select(change => new Proto.StatusChange
        {
            Status = Statuses[change.Status],
            At = Timestamp.FromDateTimeOffset(change.At),
            Reason = change.Reason,
        }));
        return message;
    }

    /// <summary>The answer to a cancellation kept for an order that has not arrived yet.</summary>
    public static Proto.Order EarlyCancellation(Proto.CancelOrderRequest request) => new()
    {
        Channel = request.Channel,
        PartnerId = request.PartnerId,
        ChannelOrderId = request.ChannelOrderId,
        Status = Proto.OrderStatus.Cancelled,
    };

    public static OrderFilter ToFilter(Proto.ListOrdersRequest request) => new(
        PartnerId: string.IsNullOrEmpty(request.PartnerId) ? null : request.PartnerId,
        Channel: string.IsNullOrEmpty(request.Channel) ? null : request.Channel,
        ChannelOrderId: string.IsNullOrEmpty(request.ChannelOrderId) ? null : request.ChannelOrderId,
        Statuses: request.Statuses.Select(status => FromProto.TryGetValue(status, out var known)
            ? known
            : throw OrderRejectedException.Invalid(OrderCodes.InvalidFilter, $"Unknown status {status}.", "statuses")).ToList(),
        CreatedBefore: Instant(request.CreatedBefore, "createdBefore", OrderCodes.InvalidFilter),
        CreatedAfter: Instant(request.CreatedAfter, "createdAfter", OrderCodes.InvalidFilter),
        PageSize: request.PageSize,
        PageToken: request.PageToken);

    public static Guid OrderId(string orderId) =>
        Guid.TryParse(orderId, out var id) ? id : throw OrderRejectedException.NotFound($"No order {orderId}.");

    public static string? Optional(string value) => string.IsNullOrEmpty(value) ? null : value;

    private static DateTimeOffset? Instant(Timestamp? timestamp, string field, string code)
    {
        try
        {
            return timestamp?.ToDateTimeOffset();
        }
        catch (InvalidOperationException)
        {
            throw OrderRejectedException.Invalid(code, $"{field} is not a valid timestamp.", field);
        }
    }

    private static MoneyInput? Money(Money? money) => money is null ? null : new MoneyInput(money.Amount, Optional(money.Currency));
}
