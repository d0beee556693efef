namespace Distribution.Aspire.SettlementService.Tests;

/// <summary>
/// FreePort hands out a port that is free when asked; a host started in parallel by another test can take it before
/// this one binds. Starting again with new ports is the cure.
/// </summary>
public static class PortRace
{
    public static async Task<T> StartAsync<T>(Func<Task<T>> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start();
            }
            catch (IOException ex) when (attempt < 5 && ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await Task.Delay(50 * attempt);
            }
        }
    }
}
