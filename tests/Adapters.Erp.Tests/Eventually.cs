namespace Distribution.Aspire.Adapters.Erp.Tests;

public static class Eventually
{
    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> after the timeout.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"Timed out after {timeoutSeconds} s waiting for: {what}");
    }

    public static Task TrueAsync(Func<bool> condition, string what, int timeoutSeconds = 20) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeoutSeconds);
}
