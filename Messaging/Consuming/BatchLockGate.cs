namespace Distribution.Aspire.Messaging.Consuming;

/// <summary>
/// Lets batches of this process that will lock the same rows (see <see cref="IEventBatchLocking{TEvent}.LockNames"/>)
/// wait for each other here, before either opens a transaction. Waiting inside PostgreSQL instead, on a row lock,
/// holds a transaction and its snapshot open: while one does, no row version deleted or updated since can be
/// cleaned up, so every outbox read and every update of a hot row (a stock position) wades through more dead
/// versions the longer the queue gets. Other replicas still meet at the row locks, which stay the guarantee.
/// </summary>
public sealed class BatchLockGate
{
    // Names share stripes: a false overlap only makes two batches take turns, as their row locks would.
    private const int Stripes = 256;
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>Waits until no other holder shares a stripe with <paramref name="names"/>; dispose the result to let them go.</summary>
    public async Task<IDisposable> EnterAsync(IEnumerable<string> names, CancellationToken cancellationToken)
    {
        // Always in ascending stripe order, so two holders can never wait for each other.
        var stripes = names.Select(name => (int)((uint)StringComparer.Ordinal.GetHashCode(name) % Stripes)).Distinct().Order().ToArray();
        if (stripes.Length == 0)
        {
            // Most handlers name nothing: every batch of theirs passes straight through.
            return Nothing;
        }

        var taken = 0;
        try
        {
            for (; taken < stripes.Length; taken++)
            {
                await _stripes[stripes[taken]].WaitAsync(cancellationToken);
            }
        }
        catch
        {
            Release(stripes, taken);
            throw;
        }

        return new Held(this, stripes);
    }

    private static readonly IDisposable Nothing = new Held(null, []);

    private void Release(int[] stripes, int count)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            _stripes[stripes[i]].Release();
        }
    }

    private sealed class Held(BatchLockGate? gate, int[] stripes) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate?.Release(stripes, stripes.Length);
            }
        }
    }
}
