namespace Distribution.Aspire.Messaging;

internal static class Pause
{
    /// <summary>Waits, returning false instead of throwing when the host is stopping.</summary>
    public static async Task<bool> ForAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
