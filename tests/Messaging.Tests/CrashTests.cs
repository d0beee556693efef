using System.Collections.Concurrent;
using System.Diagnostics;
using Distribution.Aspire.Messaging.RedisStreams;
using Distribution.Aspire.TestInfrastructure;
using Npgsql;
using StackExchange.Redis;

namespace Distribution.Aspire.Messaging.Tests;

/// <summary>
/// The widget service as a real process, killed with SIGKILL at an exact point of the delivery path and
/// started again: every event must end up handled exactly once.
/// </summary>
public sealed class CrashTests(TestServers servers)
{
    [Fact]
    public async Task Killed_between_commit_and_publish_the_events_are_delivered_after_restart()
    {
        var run = await NewRunAsync();

        await using (var crashing = await ServiceProcess.StartAsync(run.Environment(IMessagingCheckpoint.RelayBeforePublish)))
        {
            using var client = crashing.CreateClient();
            (await client.PostAsync("/widgets/w-crash/made?count=5", null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
            await crashing.WaitForOutputAsync(CrashCheckpoint(IMessagingCheckpoint.RelayBeforePublish));
            crashing.Kill();
        }

        Assert.Equal(5, await run.CountAsync("SELECT count(*) FROM outbox"));
        Assert.Equal(0, await run.CountAsync("SELECT count(*) FROM widget_effects"));

        await using (await ServiceProcess.StartAsync(run.Environment(crashAt: null)))
        {
            await Eventually.ReachesAsync(() => run.CountAsync("SELECT count(*) FROM widget_effects"), n => n >= 5, TimeSpan.FromSeconds(30), "5 handled events");
            await Task.Delay(500);
        }

        Assert.Equal(5, await run.CountAsync("SELECT count(DISTINCT event_id) FROM widget_effects"));
        Assert.Equal(5, await run.CountAsync("SELECT count(*) FROM widget_effects"));
        Assert.Equal(0, await run.CountAsync("SELECT count(*) FROM outbox"));
    }

    [Fact]
    public async Task Killed_between_handler_commit_and_ack_the_event_is_not_handled_twice()
    {
        var run = await NewRunAsync();

        await using (var crashing = await ServiceProcess.StartAsync(run.Environment(IMessagingCheckpoint.ConsumerBeforeAck)))
        {
            using var client = crashing.CreateClient();
            (await client.PostAsync("/widgets/w-ack/made?count=1", null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
            await crashing.WaitForOutputAsync(CrashCheckpoint(IMessagingCheckpoint.ConsumerBeforeAck));
            crashing.Kill();
        }

        Assert.Equal(1, await run.CountAsync("SELECT count(*) FROM widget_effects"));
        var stream = StreamNames.For(run.Prefix, "widgets", Transport.Partitioning.PartitionOf("w-ack", 4));
        Assert.Equal(1, (await run.Redis.GetDatabase().StreamPendingAsync(stream, Run.Subscription)).PendingMessageCount);

        await using (await ServiceProcess.StartAsync(run.Environment(crashAt: null)))
        {
            await Eventually.ReachesAsync(
                async () => (await run.Redis.GetDatabase().StreamPendingAsync(stream, Run.Subscription)).PendingMessageCount,
                pending => pending == 0,
                TimeSpan.FromSeconds(30),
                "the pending entry to be acknowledged");
        }

        Assert.Equal(1, await run.CountAsync("SELECT count(*) FROM widget_effects"));
    }

    private static string CrashCheckpoint(string checkpoint) => $"{TestHost.CrashCheckpoint.Marker} {checkpoint}";

    private async Task<Run> NewRunAsync() =>
        new(await servers.CreateDatabaseAsync("crash"), servers.RedisConnectionString, await ConnectionMultiplexer.ConnectAsync(servers.RedisConnectionString));

    private sealed record Run(string ConnectionString, string RedisConnection, ConnectionMultiplexer Redis)
    {
        public string Prefix { get; } = $"c{Guid.NewGuid():N}"[..12] + ":";

        public static string Subscription => "widgets-crash";

        public Dictionary<string, string?> Environment(string? crashAt)
        {
            var settings = WidgetHost.Settings(ConnectionString, RedisConnection, Prefix, Subscription, "replica-1");
            settings["Crash:At"] = crashAt ?? string.Empty;
            settings["HTTP_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
            return settings;
        }

        public async Task<long> CountAsync(string sql)
        {
            await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
            await using var command = dataSource.CreateCommand(sql);
            return (long)(await command.ExecuteScalarAsync())!;
        }
    }

    private sealed class ServiceProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _output = new();
        private readonly int _port;

        private ServiceProcess(Process process, int port)
        {
            _process = process;
            _port = port;
            process.OutputDataReceived += (_, line) => _output.Enqueue(line.Data ?? string.Empty);
            process.ErrorDataReceived += (_, line) => _output.Enqueue(line.Data ?? string.Empty);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public static async Task<ServiceProcess> StartAsync(Dictionary<string, string?> settings)
        {
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Messaging.TestHost.dll")])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            foreach (var (key, value) in settings)
            {
                start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }

            start.Environment["DOTNET_ENVIRONMENT"] = "Development";
            var service = new ServiceProcess(Process.Start(start)!, int.Parse(settings["HTTP_PORT"]!, System.Globalization.CultureInfo.InvariantCulture));
            using var client = service.CreateClient();
            await Eventually.ReachesAsync(
                async () =>
                {
                    try
                    {
                        return (await client.GetAsync("/alive")).IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                up => up,
                TimeSpan.FromSeconds(30),
                "the service process to answer");
            return service;
        }

        public HttpClient CreateClient() => new() { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };

        public Task WaitForOutputAsync(string text) =>
            Eventually.ReachesAsync(() => Task.FromResult(_output.Any(line => line.Contains(text, StringComparison.Ordinal))), seen => seen, TimeSpan.FromSeconds(30), $"'{text}' in the output");

        /// <summary>SIGKILL: no shutdown code runs, as in a crash or an OOM kill.</summary>
        public void Kill()
        {
            _process.Kill();
            _process.WaitForExit();
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                // A clean stop for the restarted instance; the crashing one was killed already.
                using var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
                await term.WaitForExitAsync();
                if (!_process.WaitForExit(TimeSpan.FromSeconds(15)))
                {
                    _process.Kill();
                }
            }

            _process.Dispose();
        }
    }
}
