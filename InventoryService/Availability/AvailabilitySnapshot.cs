using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.InventoryService.Stock;

namespace Distribution.Aspire.InventoryService.Availability;

/// <summary>A SKU's positions and channel rules at one moment: what the cache holds and events are computed from.</summary>
public sealed record AvailabilitySnapshot(string Sku, IReadOnlyList<PositionView> Positions, IReadOnlyList<ChannelRule> Rules, DateTimeOffset AsOf)
{
    /// <summary>Available to promise over all locations.</summary>
    public int Available => (int)Math.Min(int.MaxValue, Positions.Sum(p => (long)p.Available));

    public int ForChannel(string channel) => ChannelAllocation.Available(Available, Rules.FirstOrDefault(r => r.Channel == channel));

    /// <summary>The given channels and every channel with a rule for this SKU, by name.</summary>
    public IReadOnlyList<ChannelQuantity> Channels(IEnumerable<string> known) =>
        known.Concat(Rules.Select(r => r.Channel))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(channel => new ChannelQuantity(channel, ForChannel(channel)))
            .ToList();
}

public static class ChannelAllocation
{
    /// <summary>
    /// What a channel may offer: min(ATP, floor(ATP × share)) − buffer, never below zero. Without a rule a
    /// channel may offer all of ATP (share 100 %, buffer 0).
    /// </summary>
    public static int Available(int atp, ChannelRule? rule) =>
        rule is null ? atp : Math.Max(0, Math.Min(atp, (int)((long)atp * rule.SharePercent / 100)) - rule.Buffer);
}
