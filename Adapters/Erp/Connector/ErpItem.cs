namespace Distribution.Aspire.Adapters.Erp.Connector;

/// <summary>One item-master entry as the ERP keeps it.</summary>
public sealed record ErpItem(string Number, string DisplayName, string? BaseUnitOfMeasure, bool Blocked, DateTimeOffset LastModified);
