namespace Distribution.Aspire.Adapters.Erp.Connector;

/// <summary>
/// The ERP as the adapter needs it. Posting is exactly-once only together with <see cref="FindAsync"/>: after a
/// failure that may have reached the ERP the queue looks the external document number up before posting again.
/// Failures that pass throw <see cref="ErpUnavailableException"/>; refusals are results.
/// </summary>
public interface IErpConnector
{
    Task<ErpPostResult> PostAsync(ErpDocument document, CancellationToken cancellationToken);

    /// <summary>The document of that kind the ERP holds under the external document number, if any.</summary>
    Task<ErpDocumentRef?> FindAsync(string kind, string externalDocumentNumber, CancellationToken cancellationToken);

    /// <summary>The item master page by page; only items changed since <paramref name="modifiedSince"/> when given.</summary>
    IAsyncEnumerable<IReadOnlyList<ErpItem>> ReadItemsAsync(DateTimeOffset? modifiedSince, CancellationToken cancellationToken);
}
