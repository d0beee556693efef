using System.Diagnostics;
using System.Globalization;
using Distribution.Aspire.AppHost.Infrastructure;
using Distribution.Aspire.TestInfrastructure;
using Npgsql;

namespace Distribution.Aspire.AppHost.Tests;

/// <summary>
/// AppHost/scripts/run-postgres.sh, the local PostgreSQL the AppHost runs without Docker, as DCP drives it: started,
/// asked to stop with SIGTERM, or killed outright.
/// </summary>
public sealed class LocalPostgresScriptTests : IAsyncLifetime
{
    private readonly string _directory = TestDataDirectory.Create("da-pgscript");
    private readonly int _port = FreePort.Next();
    private readonly StringWriter _output = new();
    private Process? _script;
    private int _server;

    [Fact]
    public async Task Backends_stay_out_of_the_scripts_process_tree_and_SIGTERM_stops_the_server()
    {
        var (script, server) = await StartAsync();
        await using var client = await OpenClientAsync();

        // DCP lists this tree before it signals a stop; with the backends in it, that took most of its stop timeout.
        var tree = Descendants(script.Id);
        Assert.DoesNotContain(server, tree);
        Assert.True(tree.Count <= 4, $"the script's tree holds {tree.Count} processes: {string.Join(' ', tree)}");

        Signal("TERM", script.Id);

        // An open client would hold up a "smart" shutdown for as long as it stays connected; SIGTERM must mean "fast".
        Assert.True(await ExitsAsync(script, TimeSpan.FromSeconds(30)), $"the script is still running:\n{_output}");
        Assert.Equal(0, script.ExitCode);
        Assert.False(IsRunning(server), "the server outlived the script");
        Assert.Contains("PostgreSQL stopped", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_stops_when_the_script_is_killed_outright()
    {
        var (script, server) = await StartAsync();

        script.Kill();

        var deadline = Stopwatch.StartNew();
        while (IsRunning(server) && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.False(IsRunning(server), "the server kept running after its script was killed");
    }

    [Fact]
    public async Task Script_fails_when_the_server_ends_by_itself()
    {
        var (script, server) = await StartAsync();

        Signal("QUIT", server);

        Assert.True(await ExitsAsync(script, TimeSpan.FromSeconds(30)), $"the script is still running:\n{_output}");
        Assert.Equal(1, script.ExitCode);
        Assert.Contains("PostgreSQL ended without being asked to stop", _output.ToString(), StringComparison.Ordinal);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_script is { HasExited: false })
        {
            Signal("TERM", _script.Id);
            await ExitsAsync(_script, TimeSpan.FromSeconds(30));
        }

        _script?.Dispose();
        if (_server != 0 && IsRunning(_server))
        {
            Signal("QUIT", _server);
        }

        TestDataDirectory.Delete(_directory);
    }

    private async Task<(Process Script, int Server)> StartAsync()
    {
        var start = new ProcessStartInfo("bash", [ScriptPath(), Path.Combine(_directory, "data"), _port.ToString(CultureInfo.InvariantCulture), "scripttest"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["POSTGRES_BIN_DIR"] = Preflight.FindPostgresBinDirectory(null);
        var serving = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _script = new Process { StartInfo = start };
        _script.OutputDataReceived += (_, e) => Record(e.Data, serving);
        _script.ErrorDataReceived += (_, e) => Record(e.Data, serving);
        _script.Start();
        _script.BeginOutputReadLine();
        _script.BeginErrorReadLine();

        await serving.Task.WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);
        _server = int.Parse(File.ReadLines(Path.Combine(_directory, "data", "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        return (_script, _server);
    }

    private void Record(string? line, TaskCompletionSource serving)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.WriteLine(line);
        }

        if (line.StartsWith("PostgreSQL serving on", StringComparison.Ordinal))
        {
            serving.TrySetResult();
        }
    }

    private async Task<NpgsqlConnection> OpenClientAsync()
    {
        var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={_port};Username=postgres;Database=scripttest;Pooling=false");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    private static string ScriptPath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "AppHost", "scripts", "run-postgres.sh");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("AppHost/scripts/run-postgres.sh not found above " + AppContext.BaseDirectory);
    }

    private static async Task<bool> ExitsAsync(Process process, TimeSpan within)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(within);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Alive and not a zombie: the detached server's new parent may reap it late.</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var state = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal));
            return state is not null && state["State:".Length..].TrimStart()[0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static List<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), CultureInfo.InvariantCulture, out var pid))
            {
                try
                {
                    // Field 4 of /proc/<pid>/stat, counted after the command name's closing parenthesis.
                    var stat = File.ReadAllText(Path.Combine(entry, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                }
            }
        }

        var found = new List<int>();
        var queue = new Queue<int>([root]);
        while (queue.TryDequeue(out var parent))
        {
            foreach (var (pid, ppid) in parents)
            {
                if (ppid == parent)
                {
                    found.Add(pid);
                    queue.Enqueue(pid);
                }
            }
        }

        return found;
    }
}
