namespace Distribution.Aspire.FulfillmentService.Domain;

/// <summary>What happens to returned goods: back to sellable stock, or written off.</summary>
public static class Disposition
{
    public const string Restock = "restock";
    public const string Damaged = "damaged";
}
