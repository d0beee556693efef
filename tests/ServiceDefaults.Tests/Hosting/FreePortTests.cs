using System.Net;
using System.Net.Sockets;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.ServiceDefaults.Tests.Hosting;

/// <summary>The ports test hosts bind: never one an outgoing connection can take first, never the same one twice.</summary>
public sealed class FreePortTests
{
    [Fact]
    public void Free_ports_come_from_outside_the_ephemeral_range_and_are_never_handed_out_twice()
    {
        var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
            .Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();

        // A machine whose ephemeral range starts below FreePort's leaves it nothing to choose from: it then takes what the
        // kernel picks, as before, and there is nothing more to check here.
        if (range[0] <= FreePort.RangeStart + 1000)
        {
            return;
        }

        var ports = Enumerable.Range(0, 300).Select(_ => FreePort.Next()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.All(ports, port => Assert.True(port >= FreePort.RangeStart && port < range[0], $"port {port} is not below the ephemeral range {range[0]}-{range[1]}"));

        // Handed out free: each can be bound now.
        foreach (var port in ports.Take(20))
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
        }
    }
}
