using System.Text.Json;
using Distribution.Aspire.SettlementService.Domain;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.SettlementService.Ingest;

/// <summary>
/// Keeps a refused report (its first <see cref="SettlementOptions.MaxStoredRejectedBytes"/> bytes, the code and the
/// line-numbered errors) where operators can see it. Nothing of it becomes a settlement.
/// </summary>
public sealed class RejectedReports(NpgsqlDataSource database, IOptions<SettlementOptions> options, SettlementTelemetry telemetry, ILogger<RejectedReports> logger)
{
    public async Task<Guid> StoreAsync(string channel, string partnerId, string code, IReadOnlyList<ReportError> errors, ReadOnlyMemory<byte> body, long totalBytes, CancellationToken cancellationToken)
    {
        var keep = (int)Math.Min(body.Length, options.Value.MaxStoredRejectedBytes);
        var id = Guid.CreateVersion7();
        await using var command = database.CreateCommand("""
            INSERT INTO rejected_reports (report_id, channel, partner_id, code, errors, body, body_bytes, truncated)
            VALUES (@id, @channel, @partner, @code, @errors, @body, @bytes, @truncated)
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("channel", channel);
        command.Parameters.AddWithValue("partner", partnerId);
        command.Parameters.AddWithValue("code", code);
        command.Parameters.AddWithValue("errors", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(errors, SettlementJson.Options));
        command.Parameters.AddWithValue("body", body[..keep].ToArray());
        command.Parameters.AddWithValue("bytes", totalBytes);
        command.Parameters.AddWithValue("truncated", keep < totalBytes);
        await command.ExecuteNonQueryAsync(cancellationToken);
        SettlementTelemetry.Count(telemetry.Ingested, channel, "outcome", "rejected");
        logger.LogWarning("Settlement report from partner {PartnerId} ({Channel}) refused: {Code}, {Errors} problem(s); kept as {ReportId}",
            partnerId, channel, code, errors.Count, id);
        return id;
    }
}
