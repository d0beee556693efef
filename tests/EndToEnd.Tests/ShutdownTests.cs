using System.Diagnostics;
using System.Net.Sockets;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.EndToEnd.Tests;

/// <summary>The AppHost as a developer runs it, stopped the way Ctrl+C or a supervisor stops it.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Sigterm_stops_every_child_and_leaves_no_postgres_or_redis_behind()
    {
        var dataDirectory = TestDataDirectory.Create("da-stop");
        var (gatewayPort, postgresPort, redisPort) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "AppHost.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = $"http://localhost:{FreePort.Next()}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{FreePort.Next()}";
        start.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{FreePort.Next()}";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        start.Environment["Infrastructure__Mode"] = "local";
        start.Environment["Infrastructure__DataDirectory"] = dataDirectory;
        start.Environment["Infrastructure__PostgresPort"] = postgresPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Infrastructure__RedisPort"] = redisPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Gateway__Port"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Gateway__AdminKey"] = "shutdown-test";

        using var appHost = Process.Start(start)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        appHost.OutputDataReceived += (_, line) => output.Enqueue(line.Data ?? string.Empty);
        appHost.ErrorDataReceived += (_, line) => output.Enqueue(line.Data ?? string.Empty);
        appHost.BeginOutputReadLine();
        appHost.BeginErrorReadLine();
        try
        {
            await WaitUntilAsync(() => output.Any(line => line.Contains("Distribution.Aspire is up", StringComparison.Ordinal)), TimeSpan.FromMinutes(3), "the topology to come up", output);
            Assert.True(IsListening(postgresPort) && IsListening(redisPort), "postgres and redis should be serving before the stop");

            SendSigterm(appHost.Id);
            await appHost.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

            await WaitUntilAsync(
                () => !IsListening(postgresPort) && !IsListening(redisPort) && !ProcessesMentioning(dataDirectory).Any(),
                TimeSpan.FromSeconds(60),
                "postgres and redis to stop",
                output);
        }
        finally
        {
            if (!appHost.HasExited)
            {
                appHost.Kill(entireProcessTree: true);
            }

            TestDataDirectory.Delete(dataDirectory);
        }
    }

    private static void SendSigterm(int pid)
    {
        using var kill = Process.Start("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    private static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static IEnumerable<string> ProcessesMentioning(string text) =>
        Directory.EnumerateDirectories("/proc")
            .Where(dir => int.TryParse(Path.GetFileName(dir), out _))
            .Select(dir =>
            {
                try
                {
                    return File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                }
                catch (IOException)
                {
                    return string.Empty;
                }
                catch (UnauthorizedAccessException)
                {
                    return string.Empty;
                }
            })
            .Where(cmdline => cmdline.Contains(text, StringComparison.Ordinal));

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit, string what, IEnumerable<string> output)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit} waiting for {what}. AppHost output:\n{string.Join('\n', output.TakeLast(60))}");
            }

            await Task.Delay(250);
        }
    }
}
