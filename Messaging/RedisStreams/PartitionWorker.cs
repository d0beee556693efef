using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Distribution.Aspire.Messaging.RedisStreams;

/// <summary>
/// Handles the entries read from one partition, in order, on its own: a partition whose handler is
/// slow (a hot row, a retry waiting out its back-off) no longer holds back the others, and the reader
/// fetches the next entries while this partition's batch commits. One batch runs at a time, so the
/// per-key order of the partition holds.
/// </summary>
internal sealed class PartitionWorker(
    string stream,
    Func<string, List<(StreamEntry Entry, int Deliveries)>, CancellationToken, Task> handle,
    ILogger logger,
    CancellationToken stoppingToken)
{
    private readonly Lock _gate = new();
    private readonly Queue<StreamEntry> _queue = new();
    private Task _draining = Task.CompletedTask;
    private bool _running;
    private int _generation;
    private volatile bool _faulted;

    public string Stream => stream;

    /// <summary>Set when handling threw (e.g. Redis went away mid-ack): the partition must be recovered before it is read again.</summary>
    public bool Faulted => _faulted;

    public int Queued
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    public void Enqueue(List<StreamEntry> entries)
    {
        lock (_gate)
        {
            // Read while the partition was failing: these wait, pending in Redis, behind the entries the failure
            // dropped, and recovery hands them all back in order.
            if (_faulted)
            {
                return;
            }

            foreach (var entry in entries)
            {
                _queue.Enqueue(entry);
            }

            if (!_running && _queue.Count > 0)
            {
                _running = true;
                _draining = DrainAsync(_generation);
            }
        }
    }

    /// <summary>
    /// Drops what is queued and waits for the batch in flight. What was dropped stays pending in Redis
    /// for this consumer, so the recovery that follows (or the partition's next owner) handles it.
    /// </summary>
    public async Task ResetAsync()
    {
        Task draining;
        lock (_gate)
        {
            _generation++;
            _queue.Clear();
            draining = _draining;
        }

        await draining;
        _faulted = false;
    }

    private async Task DrainAsync(int generation)
    {
        // Off the reader's call stack: the reader goes back to Redis at once.
        await Task.Yield();
        while (true)
        {
            List<(StreamEntry, int)> batch;
            lock (_gate)
            {
                if (generation != _generation || _queue.Count == 0)
                {
                    _running = false;
                    return;
                }

                batch = new List<(StreamEntry, int)>(_queue.Count);
                while (_queue.TryDequeue(out var entry))
                {
                    batch.Add((entry, 1));
                }
            }

            try
            {
                await handle(stream, batch, stoppingToken);
            }
            catch (Exception ex)
            {
                if (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "Handling entries of {Stream} failed; the partition is recovered before it is read again", stream);
                }

                lock (_gate)
                {
                    _queue.Clear();
                    _running = false;
                    _faulted = true;
                }

                return;
            }
        }
    }
}
