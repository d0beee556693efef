using System.Globalization;

namespace Distribution.Aspire.Messaging.Benchmarks;

/// <summary>
/// CPU time used so far by this process, by every PostgreSQL process and by Redis, from /proc: the cost of an event in
/// CPU moves far less with the other load on the machine than its latency does, so it is what tells two runs apart.
/// </summary>
internal readonly record struct ProcessCpu(TimeSpan Benchmark, TimeSpan Postgres, TimeSpan Redis)
{
    // USER_HZ: 100 on every Linux this runs on.
    private const double TicksPerSecond = 100;

    public static ProcessCpu Snapshot()
    {
        var postgres = 0L;
        var redis = 0L;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var open = stat.IndexOf('(', StringComparison.Ordinal);
                var close = stat.LastIndexOf(')');
                if (open < 0 || close < open)
                {
                    continue;
                }

                var name = stat[(open + 1)..close];
                var ticks = Ticks(stat[(close + 2)..]);
                if (name == "postgres")
                {
                    postgres += ticks;
                }
                else if (name == "redis-server")
                {
                    redis += ticks;
                }
            }
            catch (IOException)
            {
                // A process that exited while we looked, or a directory that is not one.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return new ProcessCpu(Environment.CpuUsage.TotalTime, Seconds(postgres), Seconds(redis));
    }

    public static ProcessCpu operator -(ProcessCpu after, ProcessCpu before) =>
        new(after.Benchmark - before.Benchmark, after.Postgres - before.Postgres, after.Redis - before.Redis);

    // After the command name: state is field 3, utime and stime are fields 14 and 15 (proc(5)).
    private static long Ticks(string rest)
    {
        var fields = rest.Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static TimeSpan Seconds(long ticks) => TimeSpan.FromSeconds(ticks / TicksPerSecond);
}
