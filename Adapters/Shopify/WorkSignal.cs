using System.Threading.Channels;

namespace Distribution.Aspire.Adapters.Shopify;

/// <summary>
/// Wakes a background worker as soon as this process wrote work for it; polling still finds work written by
/// other replicas or left behind by a crash.
/// </summary>
public class WorkSignal
{
    // One pending wake-up covers every write before it.
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _signal.Writer.TryWrite(true);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _signal.Reader.ReadAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            // Timed out (poll) or shutting down; the caller's loop sees its own token.
        }
    }
}

public sealed class WebhookSignal : WorkSignal;

public sealed class OutboundSignal : WorkSignal;
