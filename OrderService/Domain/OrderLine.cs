namespace Distribution.Aspire.OrderService.Domain;

/// <summary>One line; <see cref="Discount"/> and <see cref="Tax"/> are for the whole line, not per unit.</summary>
public sealed record OrderLine(
    string LineId,
    string Sku,
    int Quantity,
    decimal UnitPrice,
    decimal Discount,
    decimal Tax,
    decimal Total,
    int ShippedQuantity);
