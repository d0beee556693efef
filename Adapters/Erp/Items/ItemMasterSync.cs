using Distribution.Aspire.Adapters.Erp.Connector;
using Distribution.Aspire.Adapters.Erp.Exceptions;
using Distribution.Aspire.Contracts.Inventory.V1;
using Google.Protobuf.WellKnownTypes;
using Npgsql;

namespace Distribution.Aspire.Adapters.Erp.Items;

/// <summary>
/// Reads the ERP's item master page by page (following <c>@odata.nextLink</c>) and hands it to inventory's
/// <c>UpsertItems</c>. After the first full read only items changed since the watermark are read (it moves only when a
/// whole run succeeded, so a failed run is simply read again). The watermark trails the run's newest change by the
/// run's duration plus a minute: pages come in item-number order, so an item edited while the run read later pages
/// has an older change time than the newest seen, and would otherwise never be read. What is read twice, inventory
/// answers as unchanged. One run at a time across replicas (a Postgres advisory lock). Items inventory refuses
/// become exceptions until a later sync takes them.
/// </summary>
public sealed class ItemMasterSync(
    NpgsqlDataSource database,
    IErpConnector connector,
    Inventory.InventoryClient inventory,
    ExceptionStore exceptions,
    ErpTelemetry telemetry,
    ILogger<ItemMasterSync> logger)
{
    public const string Source = "erp";

    /// <summary>Largest UpsertItems call; a page from the ERP may be bigger than we asked.</summary>
    private const int ChunkSize = 500;

    private const long LockKey = 0x45_52_50_49_54_45_4D; // "ERPITEM"

    /// <summary>For edits the ERP stamps a moment before they become visible (a longer transaction on its side).</summary>
    private static readonly TimeSpan EditMargin = TimeSpan.FromMinutes(1);

    /// <summary>Runs a sync now; null when another run (this replica or another) is in progress.</summary>
    public async Task<ItemSyncResult?> RunAsync(bool full, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        if (!await ScalarAsync<bool>(connection, "SELECT pg_try_advisory_lock(@key)", cancellationToken))
        {
            return null;
        }

        using var activity = telemetry.Start("items.sync", DocumentKinds.Item, System.Diagnostics.ActivityKind.Client);
        try
        {
            var watermark = full ? null : await ScalarAsync<DateTime?>(connection, "SELECT modified_since FROM item_sync WHERE name = 'items'", cancellationToken) is { } at
                ? new DateTimeOffset(at, TimeSpan.Zero)
                : (DateTimeOffset?)null;
            var result = new ItemSyncResult(watermark is null, 0, 0, 0, 0, 0, 0, watermark);
            var started = TimeProvider.System.GetTimestamp();
            DateTimeOffset? newestSeen = null;
            await foreach (var page in connector.ReadItemsAsync(watermark, cancellationToken))
            {
                using var pageActivity = telemetry.Start("items.page", DocumentKinds.Item);
                pageActivity?.SetTag("erp.items", page.Count);
                foreach (var chunk in page.Chunk(ChunkSize))
                {
                    result = Add(result, await UpsertAsync(chunk, cancellationToken));
                }

                result = result with { Pages = result.Pages + 1, Items = result.Items + page.Count };
                foreach (var item in page)
                {
                    newestSeen = newestSeen is null || item.LastModified > newestSeen ? item.LastModified : newestSeen;
                }
            }

            var newest = newestSeen is { } seen ? seen - TimeProvider.System.GetElapsedTime(started) - EditMargin : watermark;
            newest = watermark is { } before && (newest is null || newest < before) ? before : newest;
            result = result with { ModifiedSince = newest };
            await using (var save = new NpgsqlCommand(
                """
                INSERT INTO item_sync (name, modified_since, last_run_at, last_success_at, last_error, pages, items)
                VALUES ('items', @since, now(), now(), NULL, @pages, @items)
                ON CONFLICT (name) DO UPDATE SET modified_since = excluded.modified_since, last_run_at = now(), last_success_at = now(),
                    last_error = NULL, pages = excluded.pages, items = excluded.items
                """, connection))
            {
                save.Parameters.Add(new NpgsqlParameter("since", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = newest is { } n ? n.ToUniversalTime() : DBNull.Value });
                save.Parameters.AddWithValue("pages", result.Pages);
                save.Parameters.AddWithValue("items", result.Items);
                await save.ExecuteNonQueryAsync(cancellationToken);
            }

            telemetry.SyncRun("succeeded");
            activity?.SetTag("erp.items", result.Items);
            activity?.SetTag("erp.pages", result.Pages);
            return result;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            telemetry.SyncRun("failed");
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.GetType().Name);
            await using var failed = new NpgsqlCommand(
                """
                INSERT INTO item_sync (name, last_run_at, last_error) VALUES ('items', now(), @error)
                ON CONFLICT (name) DO UPDATE SET last_run_at = now(), last_error = excluded.last_error
                """, connection);
            failed.Parameters.AddWithValue("error", ex.Message.Length <= 1000 ? ex.Message : ex.Message[..1000]);
            await failed.ExecuteNonQueryAsync(CancellationToken.None);
            throw;
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            unlock.Parameters.AddWithValue("key", LockKey);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>The sync's state for operators: watermark, last run, last success, last error.</summary>
    public async Task<ItemSyncStatus?> StatusAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT modified_since, last_run_at, last_success_at, last_error, pages, items FROM item_sync WHERE name = 'items'");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        DateTimeOffset? At(int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
        return new ItemSyncStatus(At(0), At(1), At(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt32(4), reader.GetInt32(5));
    }

    private async Task<ItemSyncResult> UpsertAsync(ErpItem[] items, CancellationToken cancellationToken)
    {
        var request = new UpsertItemsRequest { Source = Source };
        request.Items.AddRange(items.Select(item => new CatalogItem
        {
            Sku = item.Number,
            Description = item.DisplayName,
            UnitOfMeasure = item.BaseUnitOfMeasure ?? string.Empty,
            Blocked = item.Blocked,
            ModifiedAt = Timestamp.FromDateTimeOffset(item.LastModified),
        }));
        var response = await inventory.UpsertItemsAsync(request, cancellationToken: cancellationToken);
        telemetry.ItemsSynced("created", response.Created);
        telemetry.ItemsSynced("updated", response.Updated);
        telemetry.ItemsSynced("unchanged", response.Unchanged);
        telemetry.ItemsSynced("rejected", response.Rejected.Count);
        foreach (var rejected in response.Rejected)
        {
            logger.LogWarning("Inventory refused item {Sku} from the item master: {Code}", rejected.Sku, rejected.Code);
            await exceptions.RecordAsync(new NewException(DocumentKinds.Item, rejected.Sku, rejected.Sku, rejected.Code, rejected.Message, null, Retryable: false, null), cancellationToken);
        }

        var refused = response.Rejected.Select(r => r.Sku).ToHashSet(StringComparer.Ordinal);
        await exceptions.ResolveItemsAsync([.. items.Select(i => i.Number).Where(sku => !refused.Contains(sku))], cancellationToken);
        return new ItemSyncResult(false, 0, 0, response.Created, response.Updated, response.Unchanged, response.Rejected.Count, null);
    }

    private static ItemSyncResult Add(ItemSyncResult total, ItemSyncResult part) => total with
    {
        Created = total.Created + part.Created,
        Updated = total.Updated + part.Updated,
        Unchanged = total.Unchanged + part.Unchanged,
        Rejected = total.Rejected + part.Rejected,
    };

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("key", LockKey);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull or null ? default! : (T)value;
    }
}
