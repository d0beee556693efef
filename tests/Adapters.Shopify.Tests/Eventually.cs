using System.Diagnostics;

namespace Distribution.Aspire.Adapters.Shopify.Tests;

public static class Eventually
{
    /// <summary>Polls until the condition holds; fails with the last observed value after the limit.</summary>
    public static async Task<T> ReachesAsync<T>(Func<Task<T>> observe, Func<T, bool> condition, TimeSpan? limit = null, string? what = null)
    {
        var clock = Stopwatch.StartNew();
        // Generous: on a loaded 2-core machine a healthy run can take many times its usual time; only failures wait this long.
        var deadline = limit ?? TimeSpan.FromSeconds(90);
        while (true)
        {
            var value = await observe();
            if (condition(value))
            {
                return value;
            }

            if (clock.Elapsed > deadline)
            {
                Assert.Fail($"Timed out after {deadline} waiting for {what ?? "the condition"}; last value: {Describe(value)}");
            }

            await Task.Delay(50);
        }
    }

    private static string Describe<T>(T value) => value is System.Collections.ICollection collection ? $"{collection.Count} items" : value?.ToString() ?? "null";
}
