using System.Text.Json.Serialization;

namespace Distribution.Aspire.Adapters.Amazon.Outbound;

// Listings Items API 2021-08-01 and JSON_LISTINGS_FEED v2 shapes for setting a channel quantity.
public sealed record ListingsItemPatchRequest(string ProductType, IReadOnlyList<ListingsPatch> Patches);

public sealed record ListingsPatch(string Op, string Path, IReadOnlyList<FulfillmentAvailability> Value);

public sealed record FulfillmentAvailability(
    [property: JsonPropertyName("fulfillment_channel_code")] string FulfillmentChannelCode,
    [property: JsonPropertyName("quantity")] int Quantity);

public sealed record ListingsItemSubmissionResponse(string? Sku, string? Status, string? SubmissionId, IReadOnlyList<ListingsIssue>? Issues);

public sealed record ListingsIssue(string? Code, string? Message, string? Severity);

public sealed record ListingsFeed(ListingsFeedHeader Header, IReadOnlyList<ListingsFeedMessage> Messages);

public sealed record ListingsFeedHeader(string SellerId, string Version);

public sealed record ListingsFeedMessage(int MessageId, string Sku, string OperationType, string ProductType, IReadOnlyList<ListingsPatch> Patches);

// Feeds API 2021-06-30.
public sealed record CreateFeedDocumentRequest(string ContentType);

public sealed record CreateFeedDocumentResponse(string FeedDocumentId, string Url);

public sealed record CreateFeedRequest(string FeedType, IReadOnlyList<string> MarketplaceIds, string InputFeedDocumentId);

public sealed record CreateFeedResponse(string FeedId);

public sealed record FeedStatus(string FeedId, string ProcessingStatus, string? ResultFeedDocumentId);
