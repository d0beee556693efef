using Distribution.Aspire.Contracts.Settlements.V1;
using SettlementLine = Distribution.Aspire.SettlementService.Domain.SettlementLine;
using Distribution.Aspire.SettlementService.Domain;
using Distribution.Aspire.SettlementService.Ingest;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.SettlementService.Api;

/// <summary>
/// Canonical settlements from adapters (Shopify payouts). Checked as strictly as an Amazon report, every problem named
/// by its line (1-based index in <c>lines</c>); refusals carry the stable code in the <c>error-code</c> trailer.
/// </summary>
public sealed class SettlementsGrpcService(SettlementIngestion ingestion, IOptions<SettlementOptions> options) : Settlements.SettlementsBase
{
    public override async Task<IngestSettlementResponse> IngestSettlement(IngestSettlementRequest request, ServerCallContext context)
    {
        var settlement = ToCanonical(request, options.Value.MaxReportLines);
        var result = await ingestion.IngestAsync(settlement, null, context.CancellationToken);
        return new IngestSettlementResponse
        {
            SettlementId = result.SettlementId.ToString(),
            Status = result.Status,
            Duplicate = result.Duplicate,
            HeaderTotalMismatch = result.HeaderTotalMismatch,
            Mismatches = result.Results.Where(r => r.Key != ReconciliationResults.Matched).Sum(r => r.Value),
        };
    }

    public static CanonicalSettlement ToCanonical(IngestSettlementRequest request, int maxLines)
    {
        var errors = new List<ReportError>();
        if (!SettlementValues.IsId(request.Channel))
        {
            errors.Add(new ReportError(null, "channel", "channel is required (letters, digits, '.', '_', '-')."));
        }

        if (!SettlementValues.IsText(request.PartnerId, SettlementValues.MaxIdLength) || request.PartnerId.Length == 0)
        {
            errors.Add(new ReportError(null, "partner_id", "partner_id is required, at most 64 characters."));
        }

        if (!SettlementValues.IsId(request.SettlementId))
        {
            errors.Add(new ReportError(null, "settlement_id", "settlement_id must be 1 to 64 letters, digits, '.', '_' or '-'."));
        }

        var currency = request.Currency.ToUpperInvariant();
        if (!SettlementValues.IsCurrency(currency))
        {
            errors.Add(new ReportError(null, "currency", "currency must be a three-letter ISO 4217 code."));
        }

        if (!SettlementValues.TryParseAmount(request.TotalAmount, out var total) || request.TotalAmount.Contains(',', StringComparison.Ordinal))
        {
            errors.Add(new ReportError(null, "total_amount", $"total_amount '{request.TotalAmount}' is not a decimal string."));
        }

        DateTimeOffset? start = Timestamp(request.PeriodStart, "period_start", errors, required: true);
        DateTimeOffset? end = Timestamp(request.PeriodEnd, "period_end", errors, required: true);
        DateTimeOffset? deposit = Timestamp(request.DepositDate, "deposit_date", errors, required: false);
        if (start > end)
        {
            errors.Add(new ReportError(null, "period_end", "period_end is before period_start."));
        }

        if (request.Lines.Count == 0 || request.Lines.Count > maxLines)
        {
            errors.Add(new ReportError(null, "lines", $"A settlement has 1 to {maxLines} lines."));
        }

        var lines = new List<SettlementLine>(request.Lines.Count);
        for (var i = 0; i < request.Lines.Count && errors.Count < 100; i++)
        {
            var line = request.Lines[i];
            var number = i + 1;
            var before = errors.Count;
            foreach (var (value, name) in new[] { (line.TransactionType, "transaction_type"), (line.AmountType, "amount_type"), (line.AmountDescription, "amount_description") })
            {
                if (value.Length == 0 || !SettlementValues.IsText(value))
                {
                    errors.Add(new ReportError(number, name, $"{name} is required, at most {SettlementValues.MaxTextLength} characters."));
                }
            }

            if (!SettlementValues.TryParseAmount(line.Amount, out var amount) || line.Amount.Contains(',', StringComparison.Ordinal))
            {
                errors.Add(new ReportError(number, "amount", $"amount '{line.Amount}' is not a decimal string."));
            }

            foreach (var (value, name) in new[] { (line.OrderReference, "order_reference"), (line.Sku, "sku") })
            {
                if (!SettlementValues.IsText(value, SettlementValues.MaxIdLength))
                {
                    errors.Add(new ReportError(number, name, $"{name} is at most {SettlementValues.MaxIdLength} characters."));
                }
            }

            if (line.Quantity < 0 || !SettlementValues.IsText(line.LineReference, 400))
            {
                errors.Add(new ReportError(number, "quantity", "quantity may not be negative; line_reference is at most 400 characters."));
            }

            var posted = Timestamp(line.PostedAt, "posted_at", errors, required: false, number);
            if (errors.Count == before)
            {
                lines.Add(new SettlementLine(number, Empty(line.OrderReference), line.TransactionType, line.AmountType, line.AmountDescription, amount,
                    Empty(line.Sku), line.Quantity == 0 ? null : line.Quantity, posted, Empty(line.LineReference)));
            }
        }

        if (errors.Count > 0)
        {
            throw new SettlementRejectedException(RejectionKind.Invalid, SettlementCodes.InvalidSettlement,
                string.Join(" ", errors.Take(20).Select(e => e.Line is { } n ? $"Line {n}: {e.Message}" : e.Message)), errors);
        }

        return new CanonicalSettlement(new SettlementHeader(request.Channel, request.PartnerId, request.SettlementId, start!.Value, end!.Value, deposit, currency, total), lines);
    }

    private static DateTimeOffset? Timestamp(Google.Protobuf.WellKnownTypes.Timestamp? value, string name, List<ReportError> errors, bool required, int? line = null)
    {
        if (value is null)
        {
            if (required)
            {
                errors.Add(new ReportError(line, name, $"{name} is required."));
            }

            return null;
        }

        try
        {
            return value.ToDateTimeOffset();
        }
        catch (InvalidOperationException)
        {
            errors.Add(new ReportError(line, name, $"{name} is out of range."));
            return null;
        }
    }

    private static string? Empty(string value) => value.Length == 0 ? null : value;
}
