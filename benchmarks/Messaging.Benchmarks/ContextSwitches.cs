using System.Globalization;
using System.Runtime.InteropServices;

namespace Distribution.Aspire.Messaging.Benchmarks;

/// <summary>
/// Context switches so far: this process's (every thread's, exited ones included, from getrusage) and every PostgreSQL
/// process's. A hand-off between threads or processes costs a switch, so the count per event says how many hops the
/// event path makes (fewer when a consumer that fell behind handles bigger batches).
/// </summary>
internal readonly record struct ContextSwitches(long Benchmark, long Postgres)
{
    public static ContextSwitches Snapshot()
    {
        var postgres = 0L;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var status = File.ReadAllLines(Path.Combine(directory, "status"));
                if (status.Length == 0 || status[0] != "Name:\tpostgres")
                {
                    continue;
                }

                postgres += status
                    .Where(line => line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    .Sum(line => long.Parse(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim(), CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // A process that exited while we looked, or a directory that is not one.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return new ContextSwitches(Own(), postgres);
    }

    public static ContextSwitches operator -(ContextSwitches after, ContextSwitches before) =>
        new(after.Benchmark - before.Benchmark, after.Postgres - before.Postgres);

    private static long Own()
    {
        var usage = default(RUsage);
        return GetRUsage(RUsageSelf, ref usage) == 0 ? usage.VoluntarySwitches + usage.InvoluntarySwitches : 0;
    }

    private const int RUsageSelf = 0;

    // struct rusage on 64-bit Linux: two timevals, then fourteen longs; the switch counts are the last two.
    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxRss, SharedRss, UnsharedData, UnsharedStack, MinorFaults, MajorFaults, Swaps, BlocksIn, BlocksOut, MessagesSent, MessagesReceived, Signals;
        public long VoluntarySwitches, InvoluntarySwitches;
    }

    [DllImport("libc", EntryPoint = "getrusage")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int GetRUsage(int who, ref RUsage usage);
}
