using System.Text.Json;
using Distribution.Aspire.Adapters.Amazon.Exceptions;
using Distribution.Aspire.Adapters.Amazon.Orders;
using Distribution.Aspire.Adapters.Amazon.SpApi;
using Distribution.Aspire.ServiceDefaults.Sla;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Distribution.Aspire.Adapters.Amazon.Outbound;

/// <summary>
/// Sends queued channel quantities to Amazon: one patchListingsItem per SKU, or one JSON_LISTINGS_FEED for a
/// whole batch (whose processing is then followed with getFeed). A call that does not get through leaves the
/// SKUs queued with back-off, so an outage delays updates and loses none.
/// </summary>
public sealed class QuantitySender(
    QuantityQueue queue,
    QuantitySignal signal,
    SpApiClient spApi,
    IHttpClientFactory httpClients,
    NpgsqlDataSource database,
    ExceptionStore exceptions,
    AmazonTelemetry telemetry,
    SyncFreshness freshness,
    IOptions<AmazonOptions> options,
    ILogger<QuantitySender> logger) : BackgroundService
{
    public const string UploadClient = "sp-api-upload";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.SendOutbound)
        {
            return;
        }

        var byFeed = settings.QuantityMode == AmazonOptions.QuantitiesByFeed;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (byFeed)
                {
                    await CheckFeedsAsync(stoppingToken);
                }

                var claimed = await queue.ClaimAsync(byFeed ? settings.FeedBatchSize : settings.QuantityBatchSize, TimeSpan.FromSeconds(settings.LeaseSeconds), stoppingToken);
                if (claimed.Count == 0)
                {
                    // Woken once a new quantity has committed; the poll finds other replicas' work and retries that fall due.
                    await signal.WaitAsync(TimeSpan.FromMilliseconds(settings.IdlePollMilliseconds), stoppingToken);
                    continue;
                }

                if (byFeed)
                {
                    await SubmitFeedAsync(claimed, stoppingToken);
                }
                else
                {
                    await PatchEachAsync(claimed, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Sending Amazon quantities failed; retrying shortly");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task PatchEachAsync(IReadOnlyList<QueuedQuantity> claimed, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        for (var i = 0; i < claimed.Count; i++)
        {
            var item = claimed[i];
            using var activity = telemetry.Start("quantity.push", System.Diagnostics.ActivityKind.Client);
            activity?.SetTag("sku", item.Sku);
            try
            {
                var path = $"/listings/2021-08-01/items/{Uri.EscapeDataString(settings.SellerId)}/{Uri.EscapeDataString(item.Sku)}"
                    + $"?marketplaceIds={Uri.EscapeDataString(settings.MarketplaceId)}";
                var body = new ListingsItemPatchRequest(settings.ProductType, ListingsFeedBuilder.QuantityPatch(item.Quantity, settings.FulfillmentChannelCode));
                var response = await spApi.SendAsync<ListingsItemSubmissionResponse>(SpApiOperation.PatchListingsItem, HttpMethod.Patch, path, body, cancellationToken);
                if (string.Equals(response.Status, "INVALID", StringComparison.Ordinal))
                {
                    await RejectAsync(item, AmazonProblemCodes.ListingRejected, string.Join("; ", (response.Issues ?? []).Select(issue => issue.Message)),
                        JsonSerializer.Serialize(response, SpApiClient.Json), cancellationToken);
                    continue;
                }

                await queue.MarkSentAsync([item], null, cancellationToken);
                telemetry.QuantityUpdate(AmazonOptions.QuantitiesByListings, "sent");
                await AcceptedAsync([item], cancellationToken);
            }
            catch (SpApiException ex) when (!ex.IsTransient)
            {
                await RejectAsync(item, AmazonProblemCodes.ListingRejected, ex.Message, ex.Body, cancellationToken);
            }
            catch (Exception ex) when (OrderIngestor.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                // Amazon (or the way to it) is down: this SKU and the rest of the batch wait together.
                var delay = OrderIngestor.RetryDelay(item.Attempts, settings.MaxRetryDelaySeconds);
                await queue.RetryLaterAsync(claimed.Skip(i).Select(c => c.Sku), delay, ex.Message, CancellationToken.None);
                telemetry.QuantityUpdate(AmazonOptions.QuantitiesByListings, "deferred", claimed.Count - i);
                logger.LogWarning("Amazon quantity updates deferred by {Delay}: {Error}", delay, ex.Message);
                return;
            }
        }
    }

    /// <summary>
    /// Amazon accepted the values (the listing PATCH answered ACCEPTED, or the feed was taken for processing; a feed
    /// that later fails requeues its SKUs, whose next acceptance is measured again from the same change).
    /// </summary>
    private Task AcceptedAsync(IReadOnlyList<QueuedQuantity> accepted, CancellationToken cancellationToken) =>
        freshness.AcknowledgedAsync(options.Value.PartnerId, AmazonOptions.Channel, accepted.Select(a => a.ChangedAt).OfType<DateTimeOffset>(), cancellationToken);

    private async Task SubmitFeedAsync(IReadOnlyList<QueuedQuantity> claimed, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var activity = telemetry.Start("quantity.feed", System.Diagnostics.ActivityKind.Client);
        activity?.SetTag("amazon.feed.messages", claimed.Count);
        var feed = ListingsFeedBuilder.Build(settings.SellerId, settings.ProductType, settings.FulfillmentChannelCode, [.. claimed.Select(c => (c.Sku, c.Quantity))]);
        try
        {
            var document = await spApi.SendAsync<CreateFeedDocumentResponse>(
                SpApiOperation.CreateFeedDocument, HttpMethod.Post, "/feeds/2021-06-30/documents", new CreateFeedDocumentRequest(ListingsFeedBuilder.ContentType), cancellationToken);

            using (var content = JsonContent.Create(feed, options: SpApiClient.Json))
            {
                content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(ListingsFeedBuilder.ContentType);
                using var upload = await httpClients.CreateClient(UploadClient).PutAsync(document.Url, content, cancellationToken);
                upload.EnsureSuccessStatusCode();
            }

            var created = await spApi.SendAsync<CreateFeedResponse>(
                SpApiOperation.CreateFeed, HttpMethod.Post, "/feeds/2021-06-30/feeds",
                new CreateFeedRequest(ListingsFeedBuilder.FeedType, [settings.MarketplaceId], document.FeedDocumentId), cancellationToken);

            await using (var command = database.CreateCommand("INSERT INTO listings_feeds (feed_id, document_id, items, status) VALUES ($1, $2, $3, 'IN_QUEUE')"))
            {
                command.Parameters.Add(new() { Value = created.FeedId });
                command.Parameters.Add(new() { Value = document.FeedDocumentId });
                command.Parameters.Add(new() { Value = JsonSerializer.Serialize(claimed, SpApiClient.Json), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb });
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await queue.MarkSentAsync(claimed, created.FeedId, cancellationToken);
            telemetry.QuantityUpdate(AmazonOptions.QuantitiesByFeed, "sent", claimed.Count);
            await AcceptedAsync(claimed, cancellationToken);
            activity?.SetTag("amazon.feed_id", created.FeedId);
        }
        catch (SpApiException ex) when (!ex.IsTransient)
        {
            await exceptions.RecordAsync(AmazonProblemCodes.FeedRejected, "quantity", null, ex.Message, JsonSerializer.Serialize(feed, SpApiClient.Json), cancellationToken);
            foreach (var item in claimed)
            {
                await queue.MarkRejectedAsync(item, ex.Message, cancellationToken);
            }
        }
        catch (Exception ex) when (OrderIngestor.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
        {
            var delay = OrderIngestor.RetryDelay(claimed.Max(c => c.Attempts), settings.MaxRetryDelaySeconds);
            await queue.RetryLaterAsync(claimed.Select(c => c.Sku), delay, ex.Message, CancellationToken.None);
            telemetry.QuantityUpdate(AmazonOptions.QuantitiesByFeed, "deferred", claimed.Count);
            logger.LogWarning("Amazon listings feed deferred by {Delay}: {Error}", delay, ex.Message);
        }
    }

    /// <summary>Follows submitted feeds to the end; a feed Amazon could not process sends its SKUs again.</summary>
    private async Task CheckFeedsAsync(CancellationToken cancellationToken)
    {
        var open = new List<string>();
        await using (var command = database.CreateCommand(
            "SELECT feed_id FROM listings_feeds WHERE status IN ('IN_QUEUE', 'IN_PROGRESS') AND (checked_at IS NULL OR checked_at < now() - interval '1 second') ORDER BY created_at LIMIT 10"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                open.Add(reader.GetString(0));
            }
        }

        foreach (var feedId in open)
        {
            FeedStatus status;
            try
            {
                status = await spApi.GetAsync<FeedStatus>(SpApiOperation.GetFeed, $"/feeds/2021-06-30/feeds/{Uri.EscapeDataString(feedId)}", cancellationToken);
            }
            catch (Exception ex) when (OrderIngestor.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                return;
            }

            await using (var update = database.CreateCommand("UPDATE listings_feeds SET status = $2, checked_at = now() WHERE feed_id = $1"))
            {
                update.Parameters.Add(new() { Value = feedId });
                update.Parameters.Add(new() { Value = status.ProcessingStatus });
                await update.ExecuteNonQueryAsync(cancellationToken);
            }

            if (status.ProcessingStatus is "FATAL" or "CANCELLED")
            {
                await exceptions.RecordAsync(AmazonProblemCodes.FeedRejected, "quantity", feedId,
                    $"Amazon ended feed {feedId} as {status.ProcessingStatus}; its SKUs are sent again.", JsonSerializer.Serialize(status, SpApiClient.Json), cancellationToken);
                await queue.RequeueFeedAsync(feedId, cancellationToken);
            }
        }
    }

    private async Task RejectAsync(QueuedQuantity item, string code, string message, string payload, CancellationToken cancellationToken)
    {
        await exceptions.RecordAsync(code, "quantity", item.Sku, message, payload, cancellationToken);
        await queue.MarkRejectedAsync(item, message, cancellationToken);
        telemetry.QuantityUpdate(AmazonOptions.QuantitiesByListings, "rejected");
    }
}
