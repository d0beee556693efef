using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Distribution.Aspire.AppHost.Infrastructure;

/// <summary>
/// Checks made before the orchestrator starts anything, so a missing binary, a taken port or an absent
/// Docker engine ends the run at once with the cause and the fix, instead of resources that wait forever.
/// </summary>
public static class Preflight
{
    private static readonly TimeSpan DockerTimeout = TimeSpan.FromSeconds(10);

    public static InfrastructureMode ResolveMode(InfrastructureMode configured, Func<(bool Available, string Reason)> probeDocker)
    {
        if (configured == InfrastructureMode.Local)
        {
            return InfrastructureMode.Local;
        }

        var (available, reason) = probeDocker();
        if (available)
        {
            return InfrastructureMode.Containers;
        }

        return configured == InfrastructureMode.Containers
            ? throw new PreflightException(
                $"Infrastructure mode 'containers' needs a Docker engine, but none answered ({reason}). " +
                "Start Docker, or run with Infrastructure__Mode=local (uses the local postgres and redis-server executables).")
            : InfrastructureMode.Local;
    }

    /// <summary>Runs <c>docker info</c>; without an engine the client fails within milliseconds.</summary>
    public static (bool Available, string Reason) ProbeDocker()
    {
        var docker = FindOnPath("docker");
        if (docker is null)
        {
            return (false, "no docker command on PATH");
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(docker, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(DockerTimeout))
            {
                process.Kill(entireProcessTree: true);
                return (false, $"`docker info` did not answer within {DockerTimeout.TotalSeconds:0} s");
            }

            var firstError = stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            return process.ExitCode == 0 ? (true, "docker info succeeded") : (false, firstError ?? $"`docker info` exited with {process.ExitCode}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (false, ex.Message);
        }
    }

    /// <summary>Fails when something already listens on the port (on any local address).</summary>
    public static int EnsurePortFree(int port, string purpose, string setting)
    {
        if (!IsPortFree(port))
        {
            throw new PreflightException(
                $"Port {port} ({purpose}) is already in use. Stop the process that holds it (`ss -ltnp 'sport = :{port}'` shows it), " +
                $"or choose another port with {setting}.");
        }

        return port;
    }

    public static bool IsPortFree(int port)
    {
        IPAddress[] addresses = Socket.OSSupportsIPv6
            ? [IPAddress.Loopback, IPAddress.Any, IPAddress.IPv6Loopback]
            : [IPAddress.Loopback, IPAddress.Any];
        foreach (var address in addresses)
        {
            try
            {
                using var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                listener.Bind(new IPEndPoint(address, port));
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
            {
                return false;
            }
        }

        return true;
    }

    // Ports for the local postgres, redis-server and Dapr sidecars come from below the kernel's range for the local ports
    // of outgoing connections (32768-60999 by default). A port picked inside it (bind port 0, as before) could be taken by
    // an outgoing connection before the server bound it, and redis-server then exited with "Address already in use"
    // (seen in CI). Clear of the tests' and benchmarks' ranges too (10000-17999, 20000-29999).
    private const int PortRangeStart = 30000;
    private const int PortRangeEnd = 32768;
    private static readonly Lock PortGate = new();

    // Each AppHost starts at its own place in the range, so one started right after another does not reuse its ports.
    private static int _nextPort = PortRangeStart + Random.Shared.Next(PortRangeEnd - PortRangeStart);

    /// <summary>A loopback port nothing listens on, never the same one twice in this process while others are left.</summary>
    public static int FreePort()
    {
        lock (PortGate)
        {
            for (var tried = 0; tried < PortRangeEnd - PortRangeStart; tried++)
            {
                var port = _nextPort;
                _nextPort = port + 1 < PortRangeEnd ? port + 1 : PortRangeStart;
                if (IsPortFree(port))
                {
                    return port;
                }
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Debian installs the server binaries under /usr/lib/postgresql/N/bin, off the PATH; look there too
    /// and take the newest major version.
    /// </summary>
    public static string FindPostgresBinDirectory(string? configured, string libRoot = "/usr/lib/postgresql", string? searchPath = null)
    {
        const string Fix = "Install PostgreSQL (as root: `apt-get install -y postgresql`), set Infrastructure__PostgresBinDirectory " +
            "to the folder holding postgres and initdb, or use Infrastructure__Mode=containers with Docker.";

        if (!string.IsNullOrEmpty(configured))
        {
            return HasServerBinaries(configured)
                ? configured
                : throw new PreflightException($"Infrastructure:PostgresBinDirectory is '{configured}', but it holds no postgres/initdb executables. {Fix}");
        }

        if (FindOnPath("postgres", searchPath) is { } onPath)
        {
            var directory = Path.GetDirectoryName(new FileInfo(onPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? onPath)!;
            if (HasServerBinaries(directory))
            {
                return directory;
            }
        }

        if (Directory.Exists(libRoot))
        {
            var newest = Directory.GetDirectories(libRoot)
                .Select(version => (Major: int.TryParse(Path.GetFileName(version), out var major) ? major : -1, Bin: Path.Combine(version, "bin")))
                .Where(candidate => candidate.Major > 0 && HasServerBinaries(candidate.Bin))
                .OrderByDescending(candidate => candidate.Major)
                .FirstOrDefault();
            if (newest.Bin is not null)
            {
                return newest.Bin;
            }
        }

        throw new PreflightException($"The PostgreSQL server (postgres, initdb) was not found on PATH or under {libRoot}. {Fix}");
    }

    public static string FindRedisServer() =>
        FindOnPath("redis-server") ?? throw new PreflightException(
            "redis-server was not found on PATH. Install it (as root: `apt-get install -y redis-server`), " +
            "or use Infrastructure__Mode=containers with Docker.");

    /// <summary>
    /// PostgreSQL refuses to run as root, so as root the server runs as the 'postgres' user, which must exist
    /// and be able to reach the data directory.
    /// </summary>
    public static void EnsurePostgresCanUseDataDirectory(string dataDirectory, bool runningAsRoot, string passwdFile = "/etc/passwd")
    {
        if (!runningAsRoot || OperatingSystem.IsWindows())
        {
            return;
        }

        if (!File.Exists(passwdFile) || !File.ReadLines(passwdFile).Any(line => line.StartsWith("postgres:", StringComparison.Ordinal)))
        {
            throw new PreflightException(
                "Running as root, PostgreSQL must run as the unprivileged 'postgres' user, and there is none. " +
                "`apt-get install -y postgresql` creates it.");
        }

        for (var directory = Directory.GetParent(dataDirectory); directory is not null; directory = directory.Parent)
        {
            if (directory.Exists && !directory.UnixFileMode.HasFlag(UnixFileMode.OtherExecute))
            {
                throw new PreflightException(
                    $"The data directory {dataDirectory} is inside {directory.FullName}, which the 'postgres' user cannot enter " +
                    $"(mode {Convert.ToString((int)directory.UnixFileMode, 8)}). Set Infrastructure__DataDirectory to a folder under a " +
                    "path others may traverse, e.g. /var/tmp/distribution-aspire.");
            }
        }
    }

    public static bool IsRoot() => Environment.UserName == "root";

    /// <summary>The command's full path on <paramref name="searchPath"/> (default: the PATH variable), or null.</summary>
    public static string? FindOnPath(string command, string? searchPath = null) =>
        (searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, command))
            .FirstOrDefault(IsExecutable);

    private static bool HasServerBinaries(string directory) =>
        IsExecutable(Path.Combine(directory, "postgres")) && IsExecutable(Path.Combine(directory, "initdb"));

    private static bool IsExecutable(string path) =>
        File.Exists(path) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
}
