using System.Text.Json;
using Distribution.Aspire.Adapters.Shopify.Exceptions;
using Npgsql;

namespace Distribution.Aspire.Adapters.Shopify.Webhooks;

/// <summary>
/// One delivery being processed, and the transaction that holds its row: everything a processor writes commits
/// together with the delivery's new status, so a crash leaves the delivery to be processed again, never half-done.
/// </summary>
public sealed class DeliveryContext(StoredDelivery delivery, JsonElement body, NpgsqlConnection connection, NpgsqlTransaction transaction, ExceptionStore exceptions)
{
    public StoredDelivery Delivery { get; } = delivery;

    public JsonElement Body { get; } = body;

    public NpgsqlConnection Connection { get; } = connection;

    public NpgsqlTransaction Transaction { get; } = transaction;

    public NpgsqlCommand Command(string sql) => new(sql, Connection, Transaction);

    /// <summary>Puts the delivery on the exceptions list (in this transaction) and ends it there.</summary>
    public async Task<ProcessingResult> ExceptionAsync(string stage, string code, string reason, long? shopifyOrderId, CancellationToken cancellationToken)
    {
        await exceptions.RecordAsync(
            new NewException(stage, code, reason, Delivery.DeliveryId, null, Delivery.ShopDomain, Delivery.PartnerId, Delivery.Topic, shopifyOrderId,
                Delivery.Body, Delivery.Body.Length),
            Connection, Transaction, cancellationToken);
        return ProcessingResult.Exception(code);
    }
}
