namespace Distribution.Aspire.Adapters.Erp.Connector;

/// <summary>The ERP's own id and number of a document it holds.</summary>
public sealed record ErpDocumentRef(string Id, string? Number);

/// <summary>What the ERP said to a post: took it, already had it (its duplicate answer counts as posted), or refused it for good.</summary>
public abstract record ErpPostResult
{
    public sealed record Posted(ErpDocumentRef Document) : ErpPostResult;

    public sealed record AlreadyPosted(ErpDocumentRef Document) : ErpPostResult;

    /// <summary>A refusal a retry cannot fix (validation): the ERP's status, error code and message.</summary>
    public sealed record Rejected(int Status, string Code, string Reason) : ErpPostResult;
}
