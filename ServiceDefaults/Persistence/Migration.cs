namespace Distribution.Aspire.ServiceDefaults.Persistence;

/// <summary>One versioned schema change: <c>Migrations/0001_create_orders.sql</c> is version 1.</summary>
public sealed record Migration(int Version, string Name, string Sql, string Checksum);
