using System.Text.Json;
using Distribution.Aspire.OrderService.Submitting;
using Distribution.Aspire.ServiceDefaults.Partners;

namespace Distribution.Aspire.OrderService.Api.Json;

/// <summary>
/// <c>POST /v1/orders</c> as the v1 contract names it. Everything is nullable so a missing member reaches
/// validation and gets its own code; money members are read raw so a number instead of a decimal string
/// is an <c>invalid_price</c>, not a parse failure.
/// </summary>
public sealed record SubmitOrderBody(
    string? ChannelOrderId,
    string? Currency,
    AddressBody? ShipTo,
    IReadOnlyList<LineBody?>? Lines,
    string? CustomerReference = null,
    DateTimeOffset? RequestedShipBy = null,
    int? Priority = null,
    string? FulfillmentChannel = null)
{
    public OrderSubmission ToSubmission(PartnerIdentity partner) => new(
        partner.Channel,
        partner.PartnerId,
        ChannelOrderId,
        CustomerReference,
        ShipTo is null ? null : new AddressInput(ShipTo.Name, ShipTo.Line1, ShipTo.Line2, ShipTo.City, ShipTo.Region, ShipTo.PostalCode, ShipTo.Country),
        Currency,
        Lines?.Select(line => line is null ? null! : line.ToInput()).ToList(),
        FulfillmentChannel,
        RequestedShipBy,
        Priority);
}

public sealed record AddressBody(string? Name, string? Line1, string? Line2, string? City, string? Region, string? PostalCode, string? Country);

/// <param name="Currency">Optional; when present it must be the order's currency.</param>
/// <param name="Discount">For the whole line, decimal string, optional.</param>
/// <param name="Tax">For the whole line, decimal string, optional.</param>
public sealed record LineBody(
    string? LineId,
    string? Sku,
    decimal? Quantity,
    JsonElement? UnitPrice,
    string? Currency = null,
    JsonElement? Discount = null,
    JsonElement? Tax = null)
{
    private const string NotAString = "(not a decimal string)";

    public LineInput ToInput() => new(
        LineId,
        Sku,
        Quantity switch
        {
            null => null,
            // A fraction or a number beyond any order is refused by the quantity rule, like zero is.
            { } q when q != decimal.Truncate(q) || q > int.MaxValue || q < int.MinValue => -1,
            { } q => (long)q,
        },
        Money(UnitPrice),
        Money(Discount),
        Money(Tax));

    private MoneyInput? Money(JsonElement? element) => element?.ValueKind switch
    {
        null or JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => new MoneyInput(element.Value.GetString(), Currency),
        _ => new MoneyInput(NotAString, Currency),
    };
}

public sealed record CancelBody(string? Reason);
