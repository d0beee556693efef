using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.InventoryService.Stock;

namespace Distribution.Aspire.InventoryService.Reservations;

/// <summary>What a reservation would hold where, or, when it cannot hold everything, what is short.</summary>
public sealed record AllocationPlan(IReadOnlyList<AllocatedLine> Allocations, IReadOnlyList<ShortLine> Shortages)
{
    public bool IsComplete => Shortages.Count == 0;
}

/// <summary>
/// Chooses locations for an order from positions the caller has locked (see docs/inventory.md):
/// 1. all lines from one location if any can ship everything: lowest rank, then most stock of the
///    order's SKUs, then location id;
/// 2. otherwise line by line, in the order's line order, each from locations the order already uses
///    first, then lowest rank, then most remaining stock, then location id; a line may split.
/// All lines or none: if any SKU's demand exceeds its total available, nothing is allocated.
/// </summary>
public static class ReservationPolicy
{
    public static AllocationPlan Allocate(IReadOnlyList<OrderLine> lines, IReadOnlyList<Position> positions)
    {
        var demand = lines.GroupBy(l => l.Sku, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Sum(l => l.Quantity), StringComparer.Ordinal);
        var bySku = positions.GroupBy(p => p.Sku, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        var shortages = demand
            .Select(d => new ShortLine(d.Key, (int)d.Value, (int)Math.Min(int.MaxValue, bySku.GetValueOrDefault(d.Key)?.Sum(p => (long)p.Available) ?? 0)))
            .Where(s => s.Available < s.Requested)
            .OrderBy(s => s.Sku, StringComparer.Ordinal)
            .ToList();
        if (shortages.Count > 0)
        {
            return new AllocationPlan([], shortages);
        }

        var single = positions
            .GroupBy(p => p.LocationId, StringComparer.Ordinal)
            .Where(location => demand.All(d => location.FirstOrDefault(p => p.Sku == d.Key)?.Available >= d.Value))
            .OrderBy(location => location.First().Rank)
            .ThenByDescending(location => location.Where(p => demand.ContainsKey(p.Sku)).Sum(p => (long)p.Available))
            .ThenBy(location => location.Key, StringComparer.Ordinal)
            .FirstOrDefault();
        if (single is not null)
        {
            return new AllocationPlan(lines.Select(l => new AllocatedLine(l.LineId, l.Sku, single.Key, l.Quantity)).ToList(), []);
        }

        return new AllocationPlan(Split(lines, bySku), []);
    }

    private static List<AllocatedLine> Split(IReadOnlyList<OrderLine> lines, Dictionary<string, List<Position>> bySku)
    {
        var remaining = bySku.Values.SelectMany(p => p).ToDictionary(p => (p.Sku, p.LocationId), p => p.Available);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var allocations = new List<AllocatedLine>();
        foreach (var line in lines)
        {
            var needed = line.Quantity;
            var candidates = bySku[line.Sku]
                .OrderBy(p => used.Contains(p.LocationId) ? 0 : 1)
                .ThenBy(p => p.Rank)
                .ThenByDescending(p => remaining[(p.Sku, p.LocationId)])
                .ThenBy(p => p.LocationId, StringComparer.Ordinal)
                .ToList();
            foreach (var position in candidates)
            {
                var take = Math.Min(needed, remaining[(position.Sku, position.LocationId)]);
                if (take <= 0)
                {
                    continue;
                }

                remaining[(position.Sku, position.LocationId)] -= take;
                used.Add(position.LocationId);
                allocations.Add(new AllocatedLine(line.LineId, line.Sku, position.LocationId, take));
                needed -= take;
                if (needed == 0)
                {
                    break;
                }
            }
        }

        return allocations;
    }
}
