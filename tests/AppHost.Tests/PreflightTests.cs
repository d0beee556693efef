using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Distribution.Aspire.AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Distribution.Aspire.AppHost.Tests;

public sealed class PreflightTests
{
    [Fact]
    public void A_taken_port_is_named_with_the_setting_that_moves_it()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var error = Assert.Throws<PreflightException>(() => Preflight.EnsurePortFree(port, "gateway", "Gateway__Port=<port>"));

        Assert.Contains($"Port {port} (gateway) is already in use", error.Message, StringComparison.Ordinal);
        Assert.Contains("Gateway__Port=<port>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_free_port_passes()
    {
        var port = Preflight.FreePort();

        Assert.Equal(port, Preflight.EnsurePortFree(port, "gateway", "Gateway__Port"));
    }

    [Fact]
    public void Free_ports_are_distinct_and_outside_the_range_outgoing_connections_take_theirs_from()
    {
        var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var (ephemeralStart, ephemeralEnd) = (int.Parse(range[0], CultureInfo.InvariantCulture), int.Parse(range[1], CultureInfo.InvariantCulture));

        var ports = Enumerable.Range(0, 20).Select(_ => Preflight.FreePort()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.All(ports, port => Assert.False(port >= ephemeralStart && port <= ephemeralEnd, $"{port} is in {ephemeralStart}-{ephemeralEnd}"));
    }

    [Fact]
    public void Containers_mode_without_a_docker_engine_says_so_and_offers_local_mode()
    {
        var error = Assert.Throws<PreflightException>(() =>
            Preflight.ResolveMode(InfrastructureMode.Containers, () => (false, "Cannot connect to the Docker daemon at unix:///var/run/docker.sock")));

        Assert.Contains("needs a Docker engine", error.Message, StringComparison.Ordinal);
        Assert.Contains("Cannot connect to the Docker daemon", error.Message, StringComparison.Ordinal);
        Assert.Contains("Infrastructure__Mode=local", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, InfrastructureMode.Containers)]
    [InlineData(false, InfrastructureMode.Local)]
    public void Auto_mode_uses_containers_only_when_docker_answers(bool dockerAnswers, InfrastructureMode expected) =>
        Assert.Equal(expected, Preflight.ResolveMode(InfrastructureMode.Auto, () => (dockerAnswers, "probe")));

    [Fact]
    public void Local_mode_never_asks_docker() =>
        Assert.Equal(InfrastructureMode.Local, Preflight.ResolveMode(InfrastructureMode.Local, () => throw new InvalidOperationException("docker was probed")));

    [Fact]
    public void Docker_probe_on_this_machine_answers_quickly_either_way()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var (_, reason) = Preflight.ProbeDocker();

        Assert.False(string.IsNullOrWhiteSpace(reason));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(12), $"docker probe took {clock.Elapsed}");
    }

    [Fact]
    public void A_missing_postgres_says_how_to_install_it()
    {
        var emptyRoot = Directory.CreateTempSubdirectory().FullName;

        var error = Assert.Throws<PreflightException>(() => Preflight.FindPostgresBinDirectory(null, emptyRoot, searchPath: emptyRoot));

        Assert.Contains("PostgreSQL server (postgres, initdb) was not found", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install -y postgresql", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configured_postgres_folder_without_binaries_is_refused()
    {
        var empty = Directory.CreateTempSubdirectory().FullName;

        var error = Assert.Throws<PreflightException>(() => Preflight.FindPostgresBinDirectory(empty));

        Assert.Contains($"Infrastructure:PostgresBinDirectory is '{empty}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_binaries_are_found_off_the_path_under_the_debian_layout()
    {
        var root = Directory.CreateTempSubdirectory().FullName;
        foreach (var major in new[] { "13", "16" })
        {
            var bin = Directory.CreateDirectory(Path.Combine(root, major, "bin")).FullName;
            foreach (var tool in new[] { "postgres", "initdb" })
            {
                File.WriteAllText(Path.Combine(bin, tool), "#!/bin/sh\n");
                File.SetUnixFileMode(Path.Combine(bin, tool), UnixFileMode.UserRead | UnixFileMode.UserExecute);
            }
        }

        Assert.Equal(Path.Combine(root, "16", "bin"), Preflight.FindPostgresBinDirectory(null, root, searchPath: root));
    }

    [Fact]
    public void As_root_a_data_directory_the_postgres_user_cannot_reach_is_refused()
    {
        var locked = Directory.CreateTempSubdirectory();
        locked.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        var passwd = Path.Combine(Directory.CreateTempSubdirectory().FullName, "passwd");
        File.WriteAllText(passwd, "root:x:0:0::/root:/bin/bash\npostgres:x:101:104::/var/lib/postgresql:/bin/bash\n");

        var error = Assert.Throws<PreflightException>(() =>
            Preflight.EnsurePostgresCanUseDataDirectory(Path.Combine(locked.FullName, ".data", "postgres"), runningAsRoot: true, passwd));

        Assert.Contains("which the 'postgres' user cannot enter (mode 700)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Infrastructure__DataDirectory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void As_root_without_a_postgres_user_says_how_to_get_one()
    {
        var passwd = Path.Combine(Directory.CreateTempSubdirectory().FullName, "passwd");
        File.WriteAllText(passwd, "root:x:0:0::/root:/bin/bash\n");

        var error = Assert.Throws<PreflightException>(() =>
            Preflight.EnsurePostgresCanUseDataDirectory("/var/tmp/x/postgres", runningAsRoot: true, passwd));

        Assert.Contains("there is none", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kubernetes")]
    [InlineData("")]
    public void An_unknown_mode_is_refused_with_the_valid_ones(string mode)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Infrastructure:Mode"] = mode == "" ? " " : mode }).Build();

        var error = Assert.Throws<PreflightException>(() => InfrastructureOptions.FromConfiguration(configuration, "/tmp"));

        Assert.Contains("is not one of auto, containers, local", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_port_setting_that_is_not_a_port_is_refused()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Infrastructure:PostgresPort"] = "99999" }).Build();

        var error = Assert.Throws<PreflightException>(() => InfrastructureOptions.FromConfiguration(configuration, "/tmp"));

        Assert.Contains("Infrastructure:PostgresPort is '99999'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_directory_defaults_to_the_git_ignored_folder_beside_the_apphost()
    {
        var options = InfrastructureOptions.FromConfiguration(new ConfigurationBuilder().Build(), "/repo/AppHost");

        Assert.Equal("/repo/.data", options.DataDirectory);
        Assert.Equal(InfrastructureMode.Auto, options.Mode);
    }
}
