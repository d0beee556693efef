namespace Distribution.Aspire.OrderService.Domain;

/// <summary>Where the order goes. Never logged whole: it is personal data.</summary>
public sealed record ShipTo(string Name, string Line1, string? Line2, string City, string Region, string PostalCode, string Country);
