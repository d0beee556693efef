namespace Distribution.Aspire.OrderService.Domain;

public sealed record OrderTotals(decimal Subtotal, decimal Discount, decimal Tax, decimal Total)
{
    public static OrderTotals Of(IEnumerable<OrderLine> lines)
    {
        decimal subtotal = 0, discount = 0, tax = 0, total = 0;
        foreach (var line in lines)
        {
            subtotal += line.Quantity * line.UnitPrice;
            discount += line.Discount;
            tax += line.Tax;
            total += line.Total;
        }

        return new OrderTotals(subtotal, discount, tax, total);
    }
}
