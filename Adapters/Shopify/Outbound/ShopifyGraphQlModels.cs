namespace Distribution.Aspire.Adapters.Shopify.Outbound;

// Wire shapes of the Shopify GraphQL Admin API call the adapter makes (camelCase on the wire).

/// <summary>One quantity to set: our ids, turned into Shopify gids on the wire.</summary>
public sealed record QuantityToSet(long InventoryItemId, long LocationId, int Quantity);

public sealed record GraphQlRequest<TVariables>(string Query, TVariables Variables);

public sealed record SetQuantitiesVariables(InventorySetQuantitiesInput Input);

public sealed record InventorySetQuantitiesInput(string Name, string Reason, bool IgnoreCompareQuantity, IReadOnlyList<InventoryQuantityInput> Quantities);

public sealed record InventoryQuantityInput(string InventoryItemId, string LocationId, int Quantity);

public sealed record GraphQlResponse<TData>(TData? Data, IReadOnlyList<GraphQlError>? Errors, GraphQlExtensions? Extensions);

public sealed record GraphQlError(string? Message, GraphQlErrorExtensions? Extensions);

public sealed record GraphQlErrorExtensions(string? Code);

public sealed record GraphQlExtensions(QueryCost? Cost);

public sealed record QueryCost(double RequestedQueryCost, double? ActualQueryCost, ThrottleStatus? ThrottleStatus);

public sealed record ThrottleStatus(double MaximumAvailable, double CurrentlyAvailable, double RestoreRate);

public sealed record SetQuantitiesData(SetQuantitiesPayload? InventorySetQuantities);

public sealed record SetQuantitiesPayload(IReadOnlyList<ShopifyUserError>? UserErrors);

/// <summary>A refusal of part of the input; <see cref="Field"/> is the path to it, e.g. <c>["input", "quantities", "3", "inventoryItemId"]</c>.</summary>
public sealed record ShopifyUserError(string? Code, IReadOnlyList<string>? Field, string? Message);
