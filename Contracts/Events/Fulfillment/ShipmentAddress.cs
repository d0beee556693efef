namespace Distribution.Aspire.Contracts.Events.Fulfillment;

public sealed record ShipmentAddress(string Name, string Line1, string? Line2, string City, string Region, string PostalCode, string Country);
