using Distribution.Aspire.Adapters.Erp.Connector;
using Distribution.Aspire.Adapters.Erp.Exceptions;
using Distribution.Aspire.Adapters.Erp.Items;
using Distribution.Aspire.Adapters.Erp.Postings;
using Distribution.Aspire.ServiceDefaults.Errors;
using Distribution.Aspire.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.Adapters.Erp.Admin;

/// <summary>
/// Operators' API (X-Admin-Key; through the gateway at <c>/admin/erp-adapter/...</c>): the outbound queue
/// (<c>GET /admin/erp/postings</c>, one with its payload), exceptions with the ERP's reason (list, inspect,
/// <c>:retry</c>, <c>:dismiss</c>), and the item-master sync (<c>POST /admin/erp/items:sync</c>, <c>GET /admin/erp/items/sync</c>).
/// </summary>
public static class ErpAdminApi
{
    public const string NotRetryable = "not_retryable";
    public const string NotOpen = "exception_not_open";
    public const string SyncInProgress = "sync_in_progress";
    public const string ErpUnavailable = "erp_unavailable";
    public const string InventoryUnavailable = "inventory_unavailable";
    public const string InvalidFilter = "invalid_filter";

    private static readonly string[] PostingStatuses = ["pending", "posted", "rejected"];
    private static readonly string[] ExceptionStatuses = ["open", "retried", "dismissed", "resolved", "all"];

    public static WebApplication MapErpAdminApi(this WebApplication app)
    {
        var admin = app.MapAdminGroup("/admin/erp").WithTags("ERP adapter administration");
        admin.MapGet("/postings", ListPostingsAsync);
        admin.MapGet("/postings/{kind}/{documentNumber}", GetPostingAsync);
        admin.MapGet("/exceptions", ListExceptionsAsync);
        admin.MapGet("/exceptions/{id:long}", async Task<Results<Ok<ErpException>, ProblemHttpResult>> (long id, ExceptionStore store, CancellationToken cancellationToken) =>
            await store.GetAsync(id, cancellationToken) is { } found ? TypedResults.Ok(found) : NotFound($"No exception {id}."));
        admin.MapPost("/exceptions/{id:long}:retry", RetryAsync);
        admin.MapPost("/exceptions/{id:long}:dismiss", async Task<Results<Ok<ErpException>, ProblemHttpResult>> (long id, ExceptionStore store, CancellationToken cancellationToken) =>
            await store.DismissAsync(id, cancellationToken) switch
            {
                null => NotFound($"No exception {id}."),
                { Status: not "open" } closed => Problem(409, NotOpen, $"Exception {id} is {closed.Status}."),
                var dismissed => TypedResults.Ok(dismissed with { Status = "dismissed" }),
            });
        admin.MapPost("/items:sync", SyncItemsAsync);
        admin.MapGet("/items/sync", async Task<Results<Ok<ItemSyncStatus>, ProblemHttpResult>> (ItemMasterSync sync, CancellationToken cancellationToken) =>
            await sync.StatusAsync(cancellationToken) is { } status ? TypedResults.Ok(status) : NotFound("The item master has not been synced yet."));
        return app;
    }

    public static async Task<Results<Ok<PostingList>, ProblemHttpResult>> ListPostingsAsync(
        string? status, string? kind, int? limit, NpgsqlDataSource database, PostingQueue queue, CancellationToken cancellationToken)
    {
        if ((status is not null && !PostingStatuses.Contains(status)) || (kind is not null && !DocumentKinds.Postable.Contains(kind)))
        {
            return Problem(400, InvalidFilter, $"status is one of {string.Join(", ", PostingStatuses)}; kind one of {string.Join(", ", DocumentKinds.Postable)}.");
        }

        await using var command = database.CreateCommand(
            $"""
            SELECT {PostingColumns}, NULL FROM postings
            WHERE (@status::text IS NULL OR status = @status) AND (@kind::text IS NULL OR document_type = @kind)
            ORDER BY created_at DESC, document_number LIMIT @limit
            """);
        command.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Text) { Value = (object?)status ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("kind", NpgsqlDbType.Text) { Value = (object?)kind ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", Math.Clamp(limit ?? 100, 1, 1000));
        return TypedResults.Ok(new PostingList(await queue.MeasureAsync(cancellationToken), await ReadPostingsAsync(command, cancellationToken)));
    }

    public static async Task<Results<Ok<PostingView>, ProblemHttpResult>> GetPostingAsync(
        string kind, string documentNumber, NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {PostingColumns}, payload::text FROM postings WHERE document_type = @kind AND document_number = @number");
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("number", documentNumber);
        return await ReadPostingsAsync(command, cancellationToken) is [var found] ? TypedResults.Ok(found) : NotFound($"No {kind} {documentNumber}.");
    }

    public static async Task<Results<Ok<ExceptionList>, ProblemHttpResult>> ListExceptionsAsync(
        string? status, string? kind, int? limit, ExceptionStore store, CancellationToken cancellationToken)
    {
        if (status is not null && !ExceptionStatuses.Contains(status))
        {
            return Problem(400, InvalidFilter, $"status is one of {string.Join(", ", ExceptionStatuses)}.");
        }

        return TypedResults.Ok(new ExceptionList(await store.ListAsync(status ?? "open", kind, Math.Clamp(limit ?? 100, 1, 1000), cancellationToken)));
    }

    /// <summary>Puts a refused document back in the queue (fix the cause in the ERP first); 409 when closed or not retryable.</summary>
    public static async Task<Results<Accepted<ErpException>, ProblemHttpResult>> RetryAsync(long id, ExceptionStore store, CancellationToken cancellationToken) =>
        await store.RetryAsync(id, cancellationToken) switch
        {
            null => NotFound($"No exception {id}."),
            { Status: not "open" } closed => Problem(409, NotOpen, $"Exception {id} is {closed.Status}."),
            { Retryable: false } fixedOnly => Problem(409, NotRetryable, fixedOnly.Kind == DocumentKinds.Item
                ? "Item exceptions clear when a later sync delivers the corrected item; fix it in the ERP and sync."
                : "This document was never sent (its event could not be mapped); the sender must correct and send it again."),
            var retried => TypedResults.Accepted($"/admin/erp/postings/{retried.Kind}/{retried.DocumentNumber}", retried with { Status = "retried" }),
        };

    public static async Task<Results<Ok<ItemSyncResult>, ProblemHttpResult>> SyncItemsAsync(bool? full, ItemMasterSync sync, CancellationToken cancellationToken)
    {
        try
        {
            return await sync.RunAsync(full ?? false, cancellationToken) is { } result
                ? TypedResults.Ok(result)
                : Problem(409, SyncInProgress, "An item-master sync is running; try again when it is done.");
        }
        catch (ErpUnavailableException ex)
        {
            return Problem(503, ErpUnavailable, ex.Message);
        }
        catch (RpcException ex)
        {
            return Problem(503, InventoryUnavailable, $"Inventory did not take the items: {ex.Status.StatusCode}.");
        }
    }

    private const string PostingColumns =
        "document_type, document_number, source_reference, settlement_id, status, attempts, last_error, may_have_posted, next_attempt_at, erp_id, erp_number, rejection_code, created_at, posted_at";

    private static async Task<List<PostingView>> ReadPostingsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<PostingView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            list.Add(new PostingView(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.GetString(4),
                reader.GetInt32(5), Text(6), reader.GetBoolean(7), reader.GetFieldValue<DateTimeOffset>(8), Text(9), Text(10), Text(11),
                reader.GetFieldValue<DateTimeOffset>(12), reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13), Text(14)));
        }

        return list;
    }

    private static ProblemHttpResult NotFound(string detail) => Problem(404, ProblemCodes.NotFound, detail);

    private static ProblemHttpResult Problem(int status, string code, string detail) =>
        TypedResults.Problem(statusCode: status, detail: detail, extensions: new Dictionary<string, object?> { [ProblemCodes.ExtensionName] = code });
}

public sealed record PostingList(IReadOnlyList<QueueGauge> Queue, IReadOnlyList<PostingView> Items);

public sealed record ExceptionList(IReadOnlyList<ErpException> Items);
