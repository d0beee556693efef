namespace Distribution.Aspire.Adapters.ThreePL.Events;

/// <summary>
/// A 3PL's JSON webhook, in the style of ShipBob/ShipEngine (snake_case). <c>type</c> is one of
/// <see cref="PartnerEventTypes"/>; <c>order_reference</c> is the reference we sent (940 W05-02 / JSON order);
/// <c>tracking</c> is ShipEngine's tracking object (get_tracking_log_response_body).
/// </summary>
public sealed record PartnerShipmentEvent(
    string? Id,
    string? Type,
    DateTimeOffset? OccurredAt,
    string? OrderReference,
    ShipmentBody? Shipment,
    TrackingInformation? Tracking,
    ExceptionBody? Exception);

public static class PartnerEventTypes
{
    public const string Shipped = "shipment.shipped";
    public const string TrackingUpdated = "shipment.tracking_updated";
    public const string Delivered = "shipment.delivered";
    public const string Exception = "shipment.exception";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Shipped, TrackingUpdated, Delivered, Exception };
}

/// <summary>What left the warehouse: the 3PL's shipment id (our dispatch id), packages with carrier and tracking, and lines.</summary>
public sealed record ShipmentBody(string? Id, string? CarrierCode, string? TrackingNumber, IReadOnlyList<PackageBody>? Packages, IReadOnlyList<LineBody>? Lines);

public sealed record PackageBody(string? CarrierCode, string? TrackingNumber, IReadOnlyList<LineBody>? Lines);

public sealed record LineBody(string? LineId, string? Sku, int? Quantity);

/// <summary>ShipEngine's tracking information (status_code un/ac/it/de/ex/at/ny, carrier codes, dates, events).</summary>
public sealed record TrackingInformation(
    string? TrackingNumber,
    string? TrackingUrl,
    string? StatusCode,
    string? CarrierCode,
    string? CarrierId,
    string? StatusDescription,
    string? CarrierStatusCode,
    string? CarrierDetailCode,
    string? CarrierStatusDescription,
    DateTimeOffset? ShipDate,
    DateTimeOffset? EstimatedDeliveryDate,
    DateTimeOffset? ActualDeliveryDate,
    string? ExceptionDescription,
    IReadOnlyList<TrackEvent>? Events);

/// <summary>One ShipEngine track event. Its place fields are an address: never logged.</summary>
public sealed record TrackEvent(
    DateTimeOffset? OccurredAt,
    DateTimeOffset? CarrierOccurredAt,
    string? CityLocality,
    string? StateProvince,
    string? PostalCode,
    string? CountryCode,
    string? CompanyName,
    string? Signer,
    string? EventCode,
    string? CarrierDetailCode,
    string? StatusCode,
    string? StatusDescription,
    string? CarrierStatusCode,
    string? CarrierStatusDescription,
    double? Latitude,
    double? Longitude);

/// <summary>kind: lost, damaged, address_problem, on_hold or other.</summary>
public sealed record ExceptionBody(string? Kind, string? Description);
