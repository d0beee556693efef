namespace Distribution.Aspire.Adapters.Amazon.Outbound;

/// <summary>
/// Builds the quantity update for one SKU: a JSON Patch <c>replace</c> of <c>/attributes/fulfillment_availability</c>,
/// used as the body of patchListingsItem or as a PATCH message of a JSON_LISTINGS_FEED (schema v2).
/// </summary>
public static class ListingsFeedBuilder
{
    public const string FeedType = "JSON_LISTINGS_FEED";
    public const string ContentType = "application/json; charset=UTF-8";
    public const int MaxMessages = 25_000;

    public static IReadOnlyList<ListingsPatch> QuantityPatch(int quantity, string fulfillmentChannelCode) =>
        [new ListingsPatch("replace", "/attributes/fulfillment_availability", [new FulfillmentAvailability(fulfillmentChannelCode, Math.Max(0, quantity))])];

    public static ListingsFeed Build(string sellerId, string productType, string fulfillmentChannelCode, IReadOnlyList<(string Sku, int Quantity)> items)
    {
        if (items.Count is 0 or > MaxMessages)
        {
            throw new ArgumentOutOfRangeException(nameof(items), items.Count, $"A listings feed carries 1 to {MaxMessages} messages.");
        }

        var messages = items
            .Select((item, index) => new ListingsFeedMessage(index + 1, item.Sku, "PATCH", productType, QuantityPatch(item.Quantity, fulfillmentChannelCode)))
            .ToList();
        return new ListingsFeed(new ListingsFeedHeader(sellerId, "2.0"), messages);
    }
}
