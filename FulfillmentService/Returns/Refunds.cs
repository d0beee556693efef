namespace Distribution.Aspire.FulfillmentService.Returns;

/// <summary>
/// The refund for returned units, from the order's own line totals (quantity × unit price − discount + tax),
/// in decimal arithmetic. The first n units of a line are worth its total × n / quantity, rounded to the
/// cent (half to even); a return is charged the difference between what was returned before and after it,
/// so however a line comes back, in one return or several, the refunds add up to the line total exactly.
/// </summary>
public static class Refunds
{
    public static decimal ForUnits(decimal lineTotal, int orderedQuantity, int returnedBefore, int returnedNow) =>
        Cumulative(lineTotal, orderedQuantity, returnedBefore + returnedNow) - Cumulative(lineTotal, orderedQuantity, returnedBefore);

    private static decimal Cumulative(decimal lineTotal, int orderedQuantity, int units) =>
        units >= orderedQuantity ? lineTotal : Math.Round(lineTotal * units / orderedQuantity, 2, MidpointRounding.ToEven);
}
