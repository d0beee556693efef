using Distribution.Aspire.Adapters.Shopify.Outbound;
using Distribution.Aspire.Contracts.Settlements.V1;
using Distribution.Aspire.ServiceDefaults.Errors;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Distribution.Aspire.Adapters.Shopify.Payouts;

/// <summary>
/// Sends a queued payout to the settlement service. The settlement service is idempotent on the payout id, so a retry
/// after an unanswered call changes nothing there. A refusal (invalid settlement, different content under the id) goes
/// on the exceptions list with the settlement service's code; anything else is retried by the outbound worker.
/// </summary>
public sealed class PayoutForwarder(Settlements.SettlementsClient settlements, IOptions<PayoutOptions> options)
{
    public async Task<OutboundResult> ExecuteAsync(LeasedCommand leased, CancellationToken cancellationToken)
    {
        var request = IngestSettlementRequest.Parser.ParseJson(leased.Payload);
        IngestSettlementResponse response;
        try
        {
            response = await settlements.IngestSettlementAsync(request, deadline: DateTime.UtcNow + options.Value.CallTimeout, cancellationToken: cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition)
        {
            return OutboundResult.Refused(GrpcRefusal.CodeOf(ex) ?? ShopifyCodes.ProcessingFailed, ex.Status.Detail);
        }

        return OutboundResult.Done(response.Duplicate ? "duplicate" : "forwarded", async (connection, transaction) =>
        {
            await using var update = new NpgsqlCommand("""
                UPDATE shopify_payouts SET status = 'forwarded', settlement_id = @settlement, settlement_status = @status, forwarded_at = now()
                WHERE payout_id = @id
                """, connection, transaction);
            update.Parameters.AddWithValue("settlement", Guid.Parse(response.SettlementId));
            update.Parameters.AddWithValue("status", response.Status);
            update.Parameters.AddWithValue("id", long.Parse(request.SettlementId, System.Globalization.CultureInfo.InvariantCulture));
            await update.ExecuteNonQueryAsync(cancellationToken);
        });
    }
}
