namespace Distribution.Aspire.Contracts.Events.Fulfillment;

public sealed record ShippedPackage(string Carrier, string TrackingNumber);
