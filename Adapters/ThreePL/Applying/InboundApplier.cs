using System.Text.Json;
using Distribution.Aspire.Adapters.ThreePL.Edi;
using Distribution.Aspire.Adapters.ThreePL.Events;
using Distribution.Aspire.Adapters.ThreePL.Inbound;
using Distribution.Aspire.Adapters.ThreePL.Storage;
using Distribution.Aspire.Contracts.Fulfillment.V1;
using Distribution.Aspire.Contracts.Inventory.V1;
using Distribution.Aspire.ServiceDefaults.Errors;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Distribution.Aspire.Adapters.ThreePL.Applying;

/// <summary>
/// Applies accepted transaction sets and JSON events to Fulfillment and Inventory over gRPC, in the order they
/// were received. Every call is idempotent, so a retry after a crash or a timeout changes nothing twice. A
/// service that is down or slow delays the work (retried with back-off, never dropped); a refusal (invalid
/// argument, not found, failed precondition) quarantines the item with the service's error code.
/// </summary>
public sealed class InboundApplier(
    NpgsqlDataSource database,
    Fulfillment.FulfillmentClient fulfillment,
    Inventory.InventoryClient inventory,
    IShipmentOrderLookup orders,
    QuarantineStore quarantine,
    InboundWorkSignal signal,
    IOptions<ThreePLOptions> options,
    ThreePLTelemetry telemetry,
    TimeProvider time,
    ILogger<InboundApplier> logger) : BackgroundService
{
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(10);

    private sealed record WorkItem(long WorkId, long DocumentId, string PartnerId, string Kind, string Reference, int Attempts, string Body, DateTimeOffset ReceivedAt);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(options.Value.ApplyPollMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await ApplyDueAsync(stoppingToken) == 0)
                {
                    await signal.WaitAsync(poll, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Applying 3PL documents failed; retrying.");
                await Task.Delay(poll, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Applies what is due now; returns how many items it handled.</summary>
    public async Task<int> ApplyDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var items = new List<WorkItem>();
        await using (var claim = connection.CreateClaim(transaction, new NpgsqlBatchCommand(
            """
            SELECT w.work_id, w.document_id, w.partner_id, w.kind, w.reference, w.attempts, d.body, d.received_at
            FROM inbound_work w JOIN inbound_documents d ON d.document_id = w.document_id
            WHERE w.status = 'pending' AND w.next_attempt_at <= now()
            ORDER BY w.work_id
            LIMIT 20
            FOR UPDATE OF w SKIP LOCKED
            """)))
        {
            await using var reader = await claim.ExecuteClaimReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(new WorkItem(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetInt32(5), reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7)));
            }
        }

        var parsed = new Dictionary<long, X12Document>();
        foreach (var item in items)
        {
            using var activity = telemetry.Start("threepl.apply", item.PartnerId, item.Kind);
            try
            {
                var mapping = await MapAsync(connection, transaction, item, parsed, cancellationToken);
                if (!mapping.Ok)
                {
                    await QuarantineAsync(connection, transaction, item, mapping.ReasonCode!, mapping.Error!, cancellationToken);
                    continue;
                }

                // A refusal of one call (an unknown SKU in an 846) does not hold back the others; transient
                // failures retry the whole item, which is safe because every call is idempotent.
                var refusals = new List<string>();
                foreach (var command in mapping.Commands)
                {
                    try
                    {
                        await ExecuteAsync(command, cancellationToken);
                    }
                    catch (RpcException ex) when (!IsTransient(ex.StatusCode) && !cancellationToken.IsCancellationRequested)
                    {
                        var code = GrpcRefusal.CodeOf(ex);
                        refusals.Add($"{Describe(command)} refused: {ex.StatusCode}{(code is null ? string.Empty : $" ({code})")}: {ex.Status.Detail}");
                    }
                }

                if (refusals.Count > 0)
                {
                    await QuarantineAsync(connection, transaction, item, ThreePLReasons.ApplyRefused, string.Join("; ", refusals), cancellationToken);
                    continue;
                }

                await MarkAsync(connection, transaction, item.WorkId, "applied", null, TimeSpan.Zero, cancellationToken);
                telemetry.Applied(item.PartnerId, item.Kind, "applied");
            }
            catch (RpcException ex) when (IsTransient(ex.StatusCode) && !cancellationToken.IsCancellationRequested)
            {
                var delay = Backoff(item.Attempts + 1);
                logger.LogWarning("Applying {Kind} {WorkId} of partner {PartnerId} failed ({Status}); retrying in {Delay}.", item.Kind, item.WorkId, item.PartnerId, ex.StatusCode, delay);
                await MarkAsync(connection, transaction, item.WorkId, "pending", $"{ex.StatusCode}: {ex.Status.Detail}", delay, cancellationToken);
                telemetry.Applied(item.PartnerId, item.Kind, "retry");
            }
            catch (Exception ex) when (ex is not NpgsqlException and not RpcException and not OperationCanceledException)
            {
                // A document that cannot be mapped now never will be: kept for an operator instead of blocking the queue.
                logger.LogError(ex, "Applying {Kind} {WorkId} of partner {PartnerId} failed.", item.Kind, item.WorkId, item.PartnerId);
                await QuarantineAsync(connection, transaction, item, ThreePLReasons.ApplyFailed, $"{ex.GetType().Name}: {ex.Message}", cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return items.Count;
    }

    private async Task<MappingResult> MapAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, WorkItem item, Dictionary<long, X12Document> parsed, CancellationToken cancellationToken)
    {
        if (item.Kind == "json")
        {
            var e = JsonSerializer.Deserialize<PartnerShipmentEvent>(item.Body, ThreePLJson.Options)!;
            var order = await orders.FindAsync(item.PartnerId, e.OrderReference ?? string.Empty, cancellationToken);
            return JsonEventMapping.Map(item.PartnerId, e, order);
        }

        if (!parsed.TryGetValue(item.DocumentId, out var document))
        {
            parsed[item.DocumentId] = document = X12Parser.Parse(item.Body);
        }

        var parts = item.Reference.Split('/');
        var interchange = document.Interchanges[int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture)];
        var group = interchange.Groups.First(g => g.ControlNumber == parts[1]);
        var set = group.TransactionSets.First(s => s.ControlNumber == parts[2]);
        switch (item.Kind)
        {
            case ShippingAdvice945.Type:
            {
                var advice = ShippingAdvice945.Read(set).Document!;
                var order = await orders.FindAsync(item.PartnerId, advice.DepositorOrderNumber, cancellationToken);
                return order is null
                    ? MappingResult.Refused(ThreePLReasons.UnknownOrderReference, $"Order reference '{advice.DepositorOrderNumber}' is unknown.")
                    : X12Mapping.FromShippingAdvice(item.PartnerId, advice, order, $"{group.ControlNumber}-{set.ControlNumber}", item.ReceivedAt);
            }

            case ShipNotice856.Type:
            {
                var notice = ShipNotice856.Read(set).Document!;
                var commands = new List<FulfillmentCommand>();
                foreach (var noticeOrder in notice.Orders)
                {
                    var order = await orders.FindAsync(item.PartnerId, noticeOrder.OrderReference, cancellationToken);
                    var mapped = order is null
                        ? MappingResult.Refused(ThreePLReasons.UnknownOrderReference, $"Order reference '{noticeOrder.OrderReference}' is unknown.")
                        : X12Mapping.FromShipNotice(item.PartnerId, notice, noticeOrder, order, item.ReceivedAt);
                    if (!mapped.Ok)
                    {
                        return mapped;
                    }

                    commands.AddRange(mapped.Commands);
                }

                return new MappingResult(commands);
            }

            case InventoryAdvice846.Type:
            {
                var partner = options.Value.Find(item.PartnerId);
                return partner is null
                    ? MappingResult.Refused(ThreePLReasons.UnknownPartner, $"Partner '{item.PartnerId}' has no 3PL profile.")
                    : X12Mapping.FromInventoryAdvice(item.PartnerId, partner, InventoryAdvice846.Read(set).Document!);
            }

            default:
                return await FromAcknowledgmentAsync(connection, transaction, item, interchange, FunctionalAcknowledgment997.Read(set).Document!, cancellationToken);
        }
    }

    /// <summary>
    /// A 997 for our 940s: accepted sets acknowledge their shipments; a rejected 940 is marked rejected, raised on
    /// the shipment as an exception and quarantined for an operator (the 3PL will not ship it); a rejected
    /// cancellation 940 is quarantined too (the 3PL may ship what we cancelled).
    /// </summary>
    private async Task<MappingResult> FromAcknowledgmentAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, WorkItem item, X12Interchange interchange, FunctionalAcknowledgment ack, CancellationToken cancellationToken)
    {
        var sent = new List<(long MessageId, Guid ShipmentId, string Kind, string SetControl)>();
        await using (var select = new NpgsqlCommand(
            "SELECT message_id, shipment_id, kind, set_control FROM outbound_messages WHERE partner_id = @partner AND group_control = @group AND format = 'x12'",
            connection, transaction))
        {
            select.Parameters.AddWithValue("partner", item.PartnerId);
            select.Parameters.AddWithValue("group", ack.GroupControlNumber);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                sent.Add((reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3)));
            }
        }

        if (sent.Count == 0)
        {
            return MappingResult.Refused(ThreePLReasons.UnknownAcknowledgedGroup, $"The 997 acknowledges group {ack.GroupControlNumber}, which we never sent this partner.");
        }

        var at = X12Values.Instant("20" + interchange.Isa[9], interchange.Isa[10]) ?? item.ReceivedAt;
        var commands = new List<FulfillmentCommand>();
        foreach (var message in sent)
        {
            var response = ack.TransactionSets.FirstOrDefault(s => s.ControlNumber == message.SetControl);
            // Without AK2 loops the AK9 code speaks for every set of the group.
            var code = response?.AckCode ?? (ack.AckCode is X12Codes.Accepted or X12Codes.AcceptedWithErrors ? X12Codes.Accepted : X12Codes.Rejected);
            var accepted = code is X12Codes.Accepted or X12Codes.AcceptedWithErrors;
            await using (var update = new NpgsqlCommand("UPDATE outbound_messages SET status = @status WHERE message_id = @id AND status IN ('sent', 'pending')", connection, transaction))
            {
                update.Parameters.AddWithValue("id", message.MessageId);
                update.Parameters.AddWithValue("status", accepted ? "acknowledged" : "rejected");
                await update.ExecuteNonQueryAsync(cancellationToken);
            }

            if (message.Kind != "order")
            {
                // A refused cancel means the 3PL may still ship a shipment we cancelled; an operator has to act, as
                // for a JSON cancel the 3PL refuses when we send it.
                if (!accepted)
                {
                    var refusal = string.Join(", ", (response?.ErrorCodes ?? ack.ErrorCodes).Select(c => $"code {c}"));
                    await quarantine.AddAsync(connection, transaction, item.PartnerId, QuarantineStore.FromApply, ThreePLReasons.PartnerRejectedOrder,
                        $"The 3PL rejected our cancellation 940 (group {ack.GroupControlNumber}, set {message.SetControl}){(refusal.Length > 0 ? $": {refusal}" : string.Empty)}; it may still ship the cancelled shipment.",
                        message.ShipmentId.ToString(), item.DocumentId, item.WorkId, message.MessageId, cancellationToken);
                }

                continue;
            }

            if (accepted)
            {
                commands.Add(new AcknowledgeCommand(new AcknowledgeShipmentRequest { ShipmentId = message.ShipmentId.ToString(), OccurredAt = Timestamp.FromDateTimeOffset(at), Source = "edi:997" }));
                continue;
            }

            var why = string.Join(", ", (response?.ErrorCodes ?? ack.ErrorCodes).Select(c => $"code {c}"));
            await quarantine.AddAsync(connection, transaction, item.PartnerId, QuarantineStore.FromApply, ThreePLReasons.PartnerRejectedOrder,
                $"The 3PL rejected our 940 (group {ack.GroupControlNumber}, set {message.SetControl}){(why.Length > 0 ? $": {why}" : string.Empty)}.",
                message.ShipmentId.ToString(), item.DocumentId, item.WorkId, message.MessageId, cancellationToken);
            commands.Add(new MilestoneCommand(new RecordMilestoneRequest
            {
                ShipmentId = message.ShipmentId.ToString(),
                Milestone = Milestone.Exception,
                ExceptionKind = ExceptionKind.OnHold,
                OccurredAt = Timestamp.FromDateTimeOffset(at),
                Source = "edi:997",
                Detail = "The 3PL rejected the warehouse shipping order (997).",
                PartnerEventId = BoundedIds.Fit($"{item.PartnerId}:997:{ack.GroupControlNumber}:{message.SetControl}", BoundedIds.PartnerEventId),
            }));
        }

        return new MappingResult(commands);
    }

    private async Task ExecuteAsync(FulfillmentCommand command, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow().UtcDateTime + CallDeadline;
        switch (command)
        {
            case DispatchCommand dispatch:
                await fulfillment.RecordDispatchAsync(dispatch.Request, deadline: deadline, cancellationToken: cancellationToken);
                break;
            case MilestoneCommand milestone:
                await fulfillment.RecordMilestoneAsync(milestone.Request, deadline: deadline, cancellationToken: cancellationToken);
                break;
            case AcknowledgeCommand acknowledge:
                await fulfillment.AcknowledgeShipmentAsync(acknowledge.Request, deadline: deadline, cancellationToken: cancellationToken);
                break;
            case SetOnHandCommand count:
                await inventory.SetOnHandAsync(count.Request, deadline: deadline, cancellationToken: cancellationToken);
                break;
        }
    }

    private static string Describe(FulfillmentCommand command) => command switch
    {
        DispatchCommand d => $"RecordDispatch {d.Request.DispatchId}",
        MilestoneCommand m => $"RecordMilestone {m.Request.Milestone}",
        AcknowledgeCommand a => $"AcknowledgeShipment {a.Request.ShipmentId}",
        SetOnHandCommand c => $"SetOnHand {c.Request.Sku}@{c.Request.LocationId}",
        _ => command.GetType().Name,
    };

    private async Task QuarantineAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, WorkItem item, string reasonCode, string reason, CancellationToken cancellationToken)
    {
        logger.LogWarning("Quarantined {Kind} {WorkId} of partner {PartnerId}: {ReasonCode}.", item.Kind, item.WorkId, item.PartnerId, reasonCode);
        await quarantine.AddAsync(connection, transaction, item.PartnerId, QuarantineStore.FromApply, reasonCode, reason, item.Reference, item.DocumentId, item.WorkId, null, cancellationToken);
        await MarkAsync(connection, transaction, item.WorkId, "quarantined", reason, TimeSpan.Zero, cancellationToken);
        telemetry.Applied(item.PartnerId, item.Kind, "quarantined");
    }

    private static async Task MarkAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long workId, string status, string? error, TimeSpan delay, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE inbound_work SET status = @status, last_error = @error,
                attempts = attempts + CASE WHEN @status = 'pending' THEN 1 ELSE 0 END,
                next_attempt_at = now() + @delay,
                applied_at = CASE WHEN @status = 'applied' THEN now() ELSE applied_at END
            WHERE work_id = @id
            """, connection, transaction);
        command.Parameters.AddWithValue("id", workId);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("error", (object?)error ?? DBNull.Value);
        command.Parameters.AddWithValue("delay", delay);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private TimeSpan Backoff(int attempts)
    {
        var settings = options.Value;
        var milliseconds = settings.RetryBaseMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 16));
        return TimeSpan.FromMilliseconds(Math.Min(milliseconds, settings.RetryMaxSeconds * 1000.0));
    }

    private static bool IsTransient(StatusCode code) => code is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted
        or StatusCode.Aborted or StatusCode.Internal or StatusCode.Unknown or StatusCode.Cancelled;
}
