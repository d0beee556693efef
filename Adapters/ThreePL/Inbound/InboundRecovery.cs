using Distribution.Aspire.Adapters.ThreePL.Events;

namespace Distribution.Aspire.Adapters.ThreePL.Inbound;

/// <summary>
/// Finishes documents that were stored but not processed (the process stopped between the two transactions).
/// Waits a few seconds before touching a document so it does not race the request that stored it; the row
/// lock taken while processing keeps two replicas from processing one document twice.
/// </summary>
public sealed class InboundRecovery(IServiceProvider services, ILogger<InboundRecovery> logger) : BackgroundService
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RecoverAsync(stoppingToken);
                await Task.Delay(Grace, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Recovering stored 3PL documents failed; trying again shortly.");
                await Task.Delay(Grace, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        var documents = scope.ServiceProvider.GetRequiredService<InboundDocuments>();
        foreach (var (documentId, partnerId, format, body) in await documents.UnprocessedAsync(Grace, 50, cancellationToken))
        {
            logger.LogInformation("Resuming stored {Format} document {DocumentId} of partner {PartnerId}.", format, documentId, partnerId);
            if (format == "x12")
            {
                await scope.ServiceProvider.GetRequiredService<EdiIntake>().ProcessAsync(documentId, partnerId, body, cancellationToken);
            }
            else
            {
                await scope.ServiceProvider.GetRequiredService<JsonEventIntake>().ProcessAsync(documentId, partnerId, body, cancellationToken);
            }
        }
    }
}
