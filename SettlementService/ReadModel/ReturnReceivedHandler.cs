using Distribution.Aspire.Contracts;
using Distribution.Aspire.Contracts.Events.Fulfillment;
using Distribution.Aspire.Messaging.Consuming;
using Distribution.Aspire.SettlementService.Domain;

namespace Distribution.Aspire.SettlementService.ReadModel;

/// <summary>return.received: the refund the platform owes for returned goods, what a settlement's refund lines are held against.</summary>
public sealed class ReturnReceivedHandler(SettlementTelemetry telemetry, ILogger<ReturnReceivedHandler> logger) : IEventHandler<ReturnReceived>
{
    public async Task HandleAsync(ReturnReceived @event, EventContext context, CancellationToken cancellationToken)
    {
        if (!MoneyAmount.TryParse(@event.RefundAmount, out var refund) || !SettlementValues.IsCurrency(@event.Currency))
        {
            // A malformed fact from another service: fail it, so it lands in the dead letters for an operator.
            logger.LogError("Return {ReturnId} of order {OrderId} carries an unreadable refund amount or currency", @event.ReturnId, @event.OrderId);
            throw new InvalidOperationException($"Return {@event.ReturnId} has an unreadable refund amount or currency.");
        }

        if (!await KnownOrders.RecordReturnAsync(context, @event, refund, cancellationToken))
        {
            telemetry.CountIgnored("return.received", "duplicate");
        }
    }
}
