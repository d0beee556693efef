using System.Diagnostics;
using System.Text.Json;
using Distribution.Aspire.Adapters.Erp.Connector;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Erp.Postings;

/// <summary>
/// Delivers the durable queue to the ERP. Before posting a document an earlier attempt may have delivered (a
/// timeout, a lost answer, a crash mid-call), it looks the external document number up; the ERP's duplicate answer
/// counts as posted too. So an outage or a flaky network delays a document and never posts it twice. Refusals
/// stop the document (rejected, an exception with the ERP's reason); everything else goes back to the queue with
/// back-off (doubling up to Erp:RetryMaxSeconds, at least the ERP's Retry-After).
/// </summary>
public sealed class PostingSender(
    PostingQueue queue,
    IErpConnector connector,
    ErpTelemetry telemetry,
    IOptions<ErpOptions> options,
    TimeProvider time,
    ILogger<PostingSender> logger) : BackgroundService
{
    private static readonly TimeSpan GaugeInterval = TimeSpan.FromSeconds(5);
    private DateTimeOffset _gaugesAt = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.SendPostings)
        {
            return;
        }

        var poll = TimeSpan.FromMilliseconds(settings.PollMilliseconds);
        // A lease outlasts the longest call the pipeline allows, so no other replica takes a posting still in flight.
        var lease = TimeSpan.FromSeconds(settings.LeaseSeconds);
        if (ErpResilience.TotalTimeout(settings.Http) + TimeSpan.FromSeconds(10) is var longest && longest > lease)
        {
            lease = longest;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await MeasureAsync(stoppingToken);
                if (await queue.ClaimNextAsync(lease, stoppingToken) is { } posting)
                {
                    await SendAsync(posting, stoppingToken);
                }
                else
                {
                    await Task.Delay(poll, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "The ERP outbound queue could not be read; trying again.");
                await Task.Delay(poll, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    public async Task SendAsync(QueuedPosting posting, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("posting.send", posting.Kind, ActivityKind.Client);
        activity?.SetTag("erp.attempt", posting.Attempts);
        // Whether the ERP may already hold the document from an earlier attempt whose outcome we never learned.
        var unknown = posting.MayHavePosted;
        try
        {
            if (unknown)
            {
                using var lookup = telemetry.Start("posting.lookup", posting.Kind, ActivityKind.Client);
                if (await connector.FindAsync(posting.Kind, posting.DocumentNumber, cancellationToken) is { } found)
                {
                    lookup?.SetTag("erp.found", true);
                    activity?.SetTag("erp.outcome", "already_posted");
                    await queue.PostedAsync(posting, found, "already_posted", CancellationToken.None);
                    return;
                }

                unknown = false;
            }

            var document = JsonSerializer.Deserialize<ErpDocument>(posting.Payload, PostingQueue.Json)!;
            switch (await connector.PostAsync(document, cancellationToken))
            {
                case ErpPostResult.Posted posted:
                    activity?.SetTag("erp.outcome", "posted");
                    await queue.PostedAsync(posting, posted.Document, "posted", CancellationToken.None);
                    break;
                case ErpPostResult.AlreadyPosted existing:
                    activity?.SetTag("erp.outcome", "already_posted");
                    await queue.PostedAsync(posting, existing.Document, "already_posted", CancellationToken.None);
                    break;
                case ErpPostResult.Rejected rejected:
                    activity?.SetTag("erp.outcome", "rejected");
                    activity?.SetTag("erp.error_code", rejected.Code);
                    logger.LogWarning("The ERP refused {Kind} {DocumentNumber}: {Code}", posting.Kind, posting.DocumentNumber, rejected.Code);
                    await queue.RejectedAsync(posting, rejected, CancellationToken.None);
                    break;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down mid-call: hand the posting back now (looked up first next time) instead of at the lease's end.
            await queue.RescheduleAsync(posting, TimeSpan.Zero, "interrupted by shutdown", mayHavePosted: true, CancellationToken.None);
            throw;
        }
        catch (ErpUnavailableException ex) when (!cancellationToken.IsCancellationRequested)
        {
            await RetryLaterAsync(posting, ex.Category, ex.Message, unknown || ex.MayHavePosted, ex.RetryAfter, activity);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Anything unforeseen may have happened after the ERP took the document: look it up next time.
            logger.LogError(ex, "Posting {Kind} {DocumentNumber} failed unexpectedly", posting.Kind, posting.DocumentNumber);
            await RetryLaterAsync(posting, "unexpected", ex.GetType().Name + ": " + ex.Message, mayHavePosted: true, null, activity);
        }
    }

    private async Task RetryLaterAsync(QueuedPosting posting, string reason, string error, bool mayHavePosted, TimeSpan? retryAfter, Activity? activity)
    {
        var delay = Backoff(posting.Attempts);
        if (retryAfter is { } wait && wait > delay)
        {
            delay = wait;
        }

        activity?.SetTag("erp.outcome", "retry");
        activity?.SetTag("erp.retry_reason", reason);
        logger.LogWarning("Posting {Kind} {DocumentNumber} (attempt {Attempt}) did not go through ({Reason}: {Error}); retrying in {Delay}",
            posting.Kind, posting.DocumentNumber, posting.Attempts, reason, error, delay);
        telemetry.Retry(posting.Kind, reason);
        await queue.RescheduleAsync(posting, delay, $"{reason}: {error}", mayHavePosted, CancellationToken.None);
    }

    private TimeSpan Backoff(int attempts)
    {
        var settings = options.Value;
        var milliseconds = settings.RetryBaseMilliseconds * Math.Pow(2, Math.Clamp(attempts - 1, 0, 20));
        return TimeSpan.FromMilliseconds(Math.Min(milliseconds, settings.RetryMaxSeconds * 1000.0));
    }

    private async Task MeasureAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - _gaugesAt < GaugeInterval)
        {
            return;
        }

        _gaugesAt = now;
        telemetry.Queue(await queue.MeasureAsync(cancellationToken));
    }
}
