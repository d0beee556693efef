using System.Net;
using System.Net.Sockets;

namespace Distribution.Aspire.TestInfrastructure;

/// <summary>
/// Loopback ports for test hosts to bind later. They come from below the kernel's ephemeral range, because a port
/// picked there (the old way: bind port 0) could be taken as the local port of an outgoing connection before the
/// host bound it, and the host then failed with "address already in use". Outgoing connections never take ports
/// outside that range, and one process never hands out the same port twice, so what is left to collide with is a
/// listener some other program opened in between.
/// </summary>
public static class FreePort
{
    // Above the test servers' 10000-14999 (tests/TestInfrastructure/test-servers.sh) and the ports tools listen on by
    // default (the Aspire dashboard's 18888, for one).
    public const int RangeStart = 20000;
    public const int RangeEnd = 30000;

    private static readonly object Gate = new();
    private static readonly int Top = Math.Min(RangeEnd, EphemeralRangeStart());

    // Each process starts at its own place in the range, so test processes run one after another do not reuse the
    // ports the one before left in TIME_WAIT.
    private static int _next = RangeStart + Random.Shared.Next(Math.Max(1, Top - RangeStart));
    private static int _handedOut;

    public static int Next()
    {
        lock (Gate)
        {
            while (_handedOut < Top - RangeStart)
            {
                var port = _next;
                _next = _next + 1 < Top ? _next + 1 : RangeStart;
                _handedOut++;
                if (IsFree(port))
                {
                    return port;
                }
            }
        }

        // Every port of the range has been handed out once: fall back to one the kernel picks.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return RangeEnd;
        }
    }
}
