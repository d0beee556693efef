using System.Globalization;

namespace Distribution.Aspire.Topology.Benchmarks;

/// <summary>
/// Every second, the summed resident memory of the topology: every process descended from this one (DCP, the
/// services, the sandbox, postgres and its backends, redis-server). RSS counts postgres' shared buffers once per
/// backend, so PSS (shared pages split between their users) is summed too; that is the honest total.
/// The benchmark process itself (the in-process AppHost and the load generator) is reported apart.
/// </summary>
public sealed class MemorySampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private readonly string[] _markers;

    /// <param name="markers">Command-line fragments (the repository root, the data directory) that also mark a topology process, in case DCP re-parents its children.</param>
    public MemorySampler(params string[] markers)
    {
        _markers = markers;
        _loop = LoopAsync();
    }

    public long MaxRssBytes { get; private set; }

    public long MaxPssBytes { get; private set; }

    public long MaxSelfRssBytes { get; private set; }

    public int Processes { get; private set; }

    public void Reset() => (MaxRssBytes, MaxPssBytes, MaxSelfRssBytes) = (0, 0, 0);

    public static IReadOnlyList<(int Pid, string Command)> All() => [.. Snapshot().Commands.Select(c => (c.Key, c.Value))];

    public static IReadOnlyList<(int Pid, string Command)> Descendants(IReadOnlyList<string> markers)
    {
        var (parents, commands) = Snapshot();
        var self = Environment.ProcessId;
        var result = new List<(int, string)>();
        foreach (var (pid, _) in parents)
        {
            if (pid == self)
            {
                continue;
            }

            for (var at = pid; at > 1 && parents.ContainsKey(at); at = parents[at])
            {
                // A process that exited while the snapshot was read has a parent entry but no command line.
                if (!commands.TryGetValue(at, out var command) || !commands.TryGetValue(pid, out var own))
                {
                    break;
                }

                if (at == self || (markers.Any(m => command.Contains(m, StringComparison.Ordinal)) && !command.Contains("benchmarks", StringComparison.Ordinal)))
                {
                    result.Add((pid, own));
                    break;
                }
            }
        }

        return result;
    }

    private static (Dictionary<int, int> Parents, Dictionary<int, string> Commands) Snapshot()
    {
        var parents = new Dictionary<int, int>();
        var commands = new Dictionary<int, string>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var close = stat.LastIndexOf(')');
                var fields = stat[(close + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
                commands[pid] = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ').Trim();
            }
            catch (IOException)
            {
                // Exited while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return (parents, commands);
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                long rss = 0, pss = 0;
                var processes = Descendants(_markers);
                foreach (var (pid, _) in processes)
                {
                    var (r, p) = Read(pid);
                    rss += r;
                    pss += p;
                }

                Processes = processes.Count;
                MaxRssBytes = Math.Max(MaxRssBytes, rss);
                MaxPssBytes = Math.Max(MaxPssBytes, pss);
                MaxSelfRssBytes = Math.Max(MaxSelfRssBytes, Read(Environment.ProcessId).Rss);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static (long Rss, long Pss) Read(int pid)
    {
        try
        {
            long rss = 0, pss = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
            {
                if (line.StartsWith("Rss:", StringComparison.Ordinal))
                {
                    rss = Kb(line);
                }
                else if (line.StartsWith("Pss:", StringComparison.Ordinal))
                {
                    pss = Kb(line);
                }
            }

            return (rss, pss);
        }
        catch (IOException)
        {
            return (0, 0);
        }
        catch (UnauthorizedAccessException)
        {
            return (0, 0);
        }
    }

    private static long Kb(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
