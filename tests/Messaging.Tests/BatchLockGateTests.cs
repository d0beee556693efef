using Distribution.Aspire.Messaging.Consuming;

namespace Distribution.Aspire.Messaging.Tests;

public sealed class BatchLockGateTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_holder_of_a_name_keeps_out_every_other_holder_of_it_until_it_lets_go()
    {
        var gate = new BatchLockGate();
        var first = await gate.EnterAsync(["SKU-1", "SKU-2"], Token);

        var second = gate.EnterAsync(["SKU-3", "SKU-2"], Token);
        await Task.Delay(50, Token);
        Assert.False(second.IsCompleted);

        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(5), Token)).Dispose();
    }

    [Fact]
    public async Task Holders_of_different_names_do_not_wait_for_each_other()
    {
        var gate = new BatchLockGate();
        using var first = await gate.EnterAsync(["SKU-1"], Token);

        // Names can share a stripe; some name among these does not share SKU-1's. A free stripe is taken at once, so
        // those entries are complete as soon as they return.
        var others = Enumerable.Range(2, 20).Select(i => gate.EnterAsync([$"SKU-{i}"], Token)).ToList();

        Assert.Contains(others, entered => entered.IsCompletedSuccessfully);
        Assert.All(others.Where(entered => entered.IsCompletedSuccessfully), entered => entered.Result.Dispose());
    }

    [Fact]
    public async Task Overlapping_holders_entering_in_any_order_never_wait_for_each_other_for_ever()
    {
        var gate = new BatchLockGate();
        var names = Enumerable.Range(0, 40).Select(i => $"SKU-{i}").ToArray();
        var inside = 0;
        var overlaps = 0;

        await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            await Task.Yield();
            using var held = await gate.EnterAsync(Random.Shared.GetItems(names, 5).Concat(["SKU-shared"]), Token);
            if (Interlocked.Increment(ref inside) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            await Task.Delay(1, Token);
            Interlocked.Decrement(ref inside);
        })).WaitAsync(TimeSpan.FromSeconds(30), Token);

        Assert.Equal(0, overlaps);
    }

    [Fact]
    public async Task A_waiter_that_gives_up_leaves_the_names_it_already_held_free()
    {
        var gate = new BatchLockGate();
        var names = Enumerable.Range(0, 64).Select(i => $"SKU-{i}").ToArray();
        var blocker = await gate.EnterAsync([names[^1]], Token);

        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gate.EnterAsync(names, giveUp.Token));
        blocker.Dispose();

        // Had the waiter kept a stripe it took before reaching the blocked one, this would never get in.
        using var all = await gate.EnterAsync(names, Token).WaitAsync(TimeSpan.FromSeconds(5), Token);
    }
}
