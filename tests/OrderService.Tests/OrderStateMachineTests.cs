using Distribution.Aspire.OrderService.Domain;

namespace Distribution.Aspire.OrderService.Tests;

/// <summary>The lifecycle table, checked pair by pair against the lifecycle as documented in docs/orders.md.</summary>
public sealed class OrderStateMachineTests
{
    // Written out independently of the implementation's table: from → to, as the issue and docs state it.
    private static readonly HashSet<string> Documented =
    [
        "received>reserved", "received>backordered", "received>cancelled",
        "backordered>reserved", "backordered>cancelled",
        "reserved>accepted", "reserved>cancelled",
        "accepted>released", "accepted>cancelled",
        "released>partially_shipped", "released>shipped", "released>cancelled",
        "partially_shipped>shipped",
        "shipped>delivered", "shipped>returned",
        "delivered>returned",
    ];

    public static TheoryData<string, string> AllPairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var from in OrderStatuses.All)
        {
            foreach (var to in OrderStatuses.All)
            {
                data.Add(from.ToWire(), to.ToWire());
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void A_merchant_order_moves_exactly_along_the_documented_lifecycle(string from, string to)
    {
        var allowed = Documented.Contains($"{from}>{to}");
        Assert.Equal(allowed, OrderStateMachine.CanMove(OrderStatuses.Parse(from), OrderStatuses.Parse(to)));
        if (allowed)
        {
            OrderStateMachine.EnsureCanMove(OrderStatuses.Parse(from), OrderStatuses.Parse(to));
        }
        else
        {
            var refused = Assert.Throws<OrderRejectedException>(() => OrderStateMachine.EnsureCanMove(OrderStatuses.Parse(from), OrderStatuses.Parse(to)));
            Assert.Equal("illegal_transition", refused.Code);
            Assert.Equal(RejectionKind.Conflict, refused.Kind);
        }
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void A_marketplace_order_may_also_go_from_received_straight_to_accepted(string from, string to)
    {
        var allowed = Documented.Contains($"{from}>{to}") || (from, to) == ("received", "accepted");
        Assert.Equal(allowed, OrderStateMachine.CanMove(OrderStatuses.Parse(from), OrderStatuses.Parse(to), marketplaceFulfilled: true));
    }

    [Fact]
    public void Cancellation_is_possible_exactly_before_the_first_shipment()
    {
        var cancellable = OrderStatuses.All.Where(s => OrderStateMachine.CanMove(s, OrderStatus.Cancelled)).Select(s => s.ToWire()).Order();
        Assert.Equal(["accepted", "backordered", "received", "released", "reserved"], cancellable);
    }

    [Fact]
    public void The_channel_may_change_an_order_only_before_release()
    {
        var modifiable = OrderStatuses.All.Where(OrderStateMachine.IsModifiable).Select(s => s.ToWire()).Order();
        Assert.Equal(["accepted", "backordered", "received", "reserved"], modifiable);
    }

    [Fact]
    public void Statuses_use_exactly_the_v1_contract_strings()
    {
        Assert.Equal(
            ["received", "reserved", "backordered", "accepted", "released", "partially_shipped", "shipped", "delivered", "cancelled", "returned"],
            OrderStatuses.All.Select(s => s.ToWire()));
        Assert.All(OrderStatuses.All, s => Assert.Equal(s, OrderStatuses.Parse(s.ToWire())));
        Assert.False(OrderStatuses.TryParse("Received", out _));
    }
}
