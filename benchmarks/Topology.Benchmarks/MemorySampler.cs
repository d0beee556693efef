using System.Globalization;

namespace Distribution.Aspire.Topology.Benchmarks;

/// <summary>
/// Every five seconds, the summed resident memory of the topology: every process descended from this one (DCP, the
/// services, the sandbox, postgres and its backends, redis-server). RSS counts postgres' shared buffers once per
/// backend, so PSS (shared pages split between their users) is summed too; that is the honest total.
/// The benchmark process itself (the in-process AppHost and the load generator) is reported apart.
/// Every second, CPU time (user + system) is summed per process group since the last <see cref="Reset"/>, with postgres
/// backends grouped by their database, together with the whole machine's busy time: where a step's CPU went.
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

    private const int MemorySampleTicks = 5;

    private static readonly double TicksPerSecond = 100; // USER_HZ, 100 on every Linux ABI .NET runs on

    private readonly Dictionary<int, (string Group, double Seconds)> _lastCpu = [];
    private readonly Dictionary<string, double> _cpuByGroup = new(StringComparer.Ordinal);
    private readonly Lock _cpuLock = new();
    private double _machineBusyAtReset;
    private DateTime _resetAt = DateTime.UtcNow;

    public void Reset()
    {
        (MaxRssBytes, MaxPssBytes, MaxSelfRssBytes) = (0, 0, 0);
        lock (_cpuLock)
        {
            _cpuByGroup.Clear();
            _machineBusyAtReset = MachineBusySeconds();
            _resetAt = DateTime.UtcNow;
        }
    }

    /// <summary>CPU-seconds per process group since <see cref="Reset"/>, the machine's busy CPU-seconds, and the wall time.</summary>
    public CpuUsage Cpu()
    {
        lock (_cpuLock)
        {
            return new CpuUsage(new Dictionary<string, double>(_cpuByGroup, StringComparer.Ordinal), MachineBusySeconds() - _machineBusyAtReset, (DateTime.UtcNow - _resetAt).TotalSeconds);
        }
    }

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
        var tick = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                // CPU every second, so a postgres backend that exits between samples loses at most a second of its time.
                var processes = Descendants(_markers);
                SampleCpu(processes);
                Processes = processes.Count;

                // Memory moves slowly, and smaps_rollup walks every page a process maps: once a second, for ~150
                // processes each mapping postgres' shared buffers, the sampler took about a tenth of a core from
                // the topology it measures.
                if (tick++ % MemorySampleTicks != 0)
                {
                    continue;
                }

                long rss = 0, pss = 0;
                foreach (var (pid, _) in processes)
                {
                    var (r, p) = Read(pid);
                    rss += r;
                    pss += p;
                }

                MaxRssBytes = Math.Max(MaxRssBytes, rss);
                MaxPssBytes = Math.Max(MaxPssBytes, pss);
                MaxSelfRssBytes = Math.Max(MaxSelfRssBytes, Read(Environment.ProcessId).Rss);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void SampleCpu(IReadOnlyList<(int Pid, string Command)> processes)
    {
        lock (_cpuLock)
        {
            foreach (var (pid, command) in processes.Append((Environment.ProcessId, "benchmark process")))
            {
                if (CpuSeconds(pid) is not { } seconds)
                {
                    continue;
                }

                var group = pid == Environment.ProcessId ? command : Group(command);
                var previous = _lastCpu.TryGetValue(pid, out var last) && last.Group == group ? last.Seconds : seconds;
                _lastCpu[pid] = (group, seconds);
                _cpuByGroup[group] = _cpuByGroup.GetValueOrDefault(group) + (seconds - previous);
            }
        }
    }

    /// <summary>"postgres: user db host state" → "postgres · db"; "dotnet X.dll" → "X"; else the executable's name.</summary>
    private static string Group(string command)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return "?";
        }

        if (words[0] == "postgres:")
        {
            return words.Length > 3 && words[2] != "postgres" ? $"postgres · {words[2]}" : "postgres (background)";
        }

        var name = Path.GetFileName(words[0]);
        return name == "dotnet" && words.Length > 1 ? Path.GetFileNameWithoutExtension(words[1]) : name;
    }

    private static double? CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static double MachineBusySeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return (fields.Sum() - fields[3] - fields[4]) / TicksPerSecond;
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

/// <summary>CPU-seconds per process group, the machine's busy CPU-seconds and the wall-clock seconds they cover.</summary>
public sealed record CpuUsage(IReadOnlyDictionary<string, double> ByGroup, double MachineBusySeconds, double WallSeconds);
