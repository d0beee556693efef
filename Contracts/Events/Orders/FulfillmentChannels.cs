namespace Distribution.Aspire.Contracts.Events.Orders;

/// <summary>Who ships an order. Marketplace-fulfilled orders are recorded but never reserve our stock.</summary>
public static class FulfillmentChannels
{
    public const string Merchant = "merchant";
    public const string Marketplace = "marketplace";
}
