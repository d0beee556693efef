namespace Distribution.Aspire.Adapters.Erp.Items;

/// <summary>One item-master sync: pages and items read, what inventory did with them, and the watermark for next time.</summary>
public sealed record ItemSyncResult(bool Full, int Pages, int Items, int Created, int Updated, int Unchanged, int Rejected, DateTimeOffset? ModifiedSince);

/// <summary>The sync's state: the watermark, the last run and success, the last error, and the last successful run's size.</summary>
public sealed record ItemSyncStatus(DateTimeOffset? ModifiedSince, DateTimeOffset? LastRunAt, DateTimeOffset? LastSuccessAt, string? LastError, int Pages, int Items);
