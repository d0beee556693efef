namespace Distribution.Aspire.Messaging.TestHost;

/// <summary>
/// Stops at the configured checkpoint (<c>Crash:At</c>): prints a marker and waits for the test to
/// kill the process, so the kill lands exactly between two steps of the delivery path. In-process tests
/// make one acknowledgement or lease renewal fail instead (<see cref="FailurePlan"/>).
/// </summary>
public sealed class CrashCheckpoint(IConfiguration configuration, FailurePlan failures) : IMessagingCheckpoint
{
    public const string Marker = "CHECKPOINT-REACHED";

    public async ValueTask ReachedAsync(string checkpoint, CancellationToken cancellationToken)
    {
        if (configuration["Crash:At"] == checkpoint)
        {
            await Console.Out.WriteLineAsync($"{Marker} {checkpoint}");
            await Console.Out.FlushAsync(cancellationToken);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (checkpoint == IMessagingCheckpoint.ConsumerBeforeLeaseRenewal && failures.TakeLeaseRenewalFailure())
        {
            throw new TaskCanceledException("A command was cancelled by a reconnect (injected by the test).");
        }

        if (checkpoint == IMessagingCheckpoint.ConsumerBeforeAck && failures.TakeAcknowledgementFailure() is { } release)
        {
            await release.WaitAsync(cancellationToken);
            throw new TimeoutException("The acknowledgement timed out (injected by the test).");
        }
    }
}
