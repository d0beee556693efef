using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Distribution.Aspire.AppHost.Tests;

/// <summary>The AppHost as a developer runs it: a bad start ends at once with one clear message.</summary>
public sealed class StartupFailureTests
{
    [Fact]
    public async Task Gateway_port_in_use_ends_the_run_with_the_cause_and_the_fix()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var (exitCode, stderr, elapsed) = await RunAppHostAsync(new() { ["Gateway__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(1, exitCode);
        Assert.Contains($"Port {port} (gateway) is already in use", stderr, StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(30), $"took {elapsed}: a failed preflight must not hang");
    }

    [Fact]
    public async Task Missing_postgres_server_in_local_mode_ends_the_run_with_the_install_command()
    {
        var (exitCode, stderr, _) = await RunAppHostAsync(new()
        {
            ["Infrastructure__Mode"] = "local",
            ["Infrastructure__PostgresBinDirectory"] = "/nonexistent/postgresql/bin",
        });

        Assert.Equal(1, exitCode);
        Assert.Contains("holds no postgres/initdb executables", stderr, StringComparison.Ordinal);
        Assert.Contains("apt-get install -y postgresql", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Stderr, TimeSpan Elapsed)> RunAppHostAsync(Dictionary<string, string> environment)
    {
        var appHost = Path.Combine(AppContext.BaseDirectory, "AppHost.dll");
        var start = new ProcessStartInfo("dotnet", [appHost]) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["Gateway__AdminKey"] = "startup-test";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        _ = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stderr, clock.Elapsed);
    }
}
