using System.Diagnostics;

namespace Distribution.Aspire.Operations.Tests;

public static class Eventually
{
    /// <summary>Polls until the condition holds; fails with the last observed value after the limit.</summary>
    public static async Task<T> ReachesAsync<T>(Func<Task<T>> observe, Func<T, bool> condition, string? what = null, TimeSpan? limit = null)
    {
        var clock = Stopwatch.StartNew();
        var deadline = limit ?? TimeSpan.FromSeconds(20);
        while (true)
        {
            var value = await observe();
            if (condition(value))
            {
                return value;
            }

            if (clock.Elapsed > deadline)
            {
                Assert.Fail($"Timed out after {deadline} waiting for {what ?? "the condition"}; last value: {value}");
            }

            await Task.Delay(50);
        }
    }
}
