using System.Net;
using System.Net.Sockets;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Distribution.Aspire.TestInfrastructure;
using Npgsql;

namespace Distribution.Aspire.ServiceDefaults.Tests.Persistence;

/// <summary>
/// The server's replies reach the client through a proxy that holds each one back, so a call that reads its reply
/// synchronously is seen to return only after the delay, with its work already done.
/// </summary>
public sealed class SavepointsTests(TestServers servers)
{
    private static readonly TimeSpan ReplyDelay = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Releasing_a_savepoint_leaves_the_caller_free_while_the_server_answers()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var slow = await SlowTransaction.StartAsync(await servers.CreateDatabaseAsync("savepoint"), "handler_step", cancellationToken);

        var release = slow.Transaction.ReleaseSavepointAsync("handler_step", cancellationToken);

        Assert.False(release.IsCompleted, "the release returned only after the server's reply: it read it synchronously");
        await release;
        var gone = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(slow.Connection, slow.Transaction, "ROLLBACK TO SAVEPOINT handler_step", cancellationToken));
        Assert.Equal(PostgresErrorCodes.InvalidSavepointSpecification, gone.SqlState);
    }

    [Fact]
    public async Task A_savepoint_name_that_needs_quoting_is_released_under_the_same_name()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var connection = new NpgsqlConnection(await servers.CreateDatabaseAsync("savepoint"));
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await transaction.SaveAsync("Step \"two\"", cancellationToken);

        await transaction.ReleaseSavepointAsync("Step \"two\"", cancellationToken);

        var gone = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, transaction, "ROLLBACK TO SAVEPOINT \"Step \"\"two\"\"\"", cancellationToken));
        Assert.Equal(PostgresErrorCodes.InvalidSavepointSpecification, gone.SqlState);
    }

    /// <summary>
    /// Why <see cref="Savepoints.ReleaseSavepointAsync"/> exists. When an Npgsql upgrade makes this fail, its own
    /// <c>ReleaseAsync</c> has become asynchronous and the workaround can go.
    /// </summary>
    [Fact]
    public async Task Npgsql_ReleaseAsync_still_reads_its_reply_synchronously()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var slow = await SlowTransaction.StartAsync(await servers.CreateDatabaseAsync("savepoint"), "handler_step", cancellationToken);

        var release = slow.Transaction.ReleaseAsync("handler_step", cancellationToken);

        Assert.True(release.IsCompleted);
        await release;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A transaction through a <see cref="DelayingProxy"/>, with a savepoint already sent to the server.</summary>
    private sealed class SlowTransaction : IAsyncDisposable
    {
        private DelayingProxy _proxy = null!;

        public NpgsqlConnection Connection { get; private set; } = null!;

        public NpgsqlTransaction Transaction { get; private set; } = null!;

        public static async Task<SlowTransaction> StartAsync(string database, string savepoint, CancellationToken cancellationToken)
        {
            var slow = new SlowTransaction { _proxy = await DelayingProxy.StartAsync(database) };
            slow.Connection = new NpgsqlConnection(slow._proxy.ConnectionString);
            await slow.Connection.OpenAsync(cancellationToken);
            slow.Transaction = await slow.Connection.BeginTransactionAsync(cancellationToken);
            await slow.Transaction.SaveAsync(savepoint, cancellationToken);
            // Npgsql sends SAVEPOINT with the next command.
            await ExecuteAsync(slow.Connection, slow.Transaction, "SELECT 1", cancellationToken);
            return slow;
        }

        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
            await _proxy.DisposeAsync();
        }
    }

    /// <summary>A loopback TCP proxy to PostgreSQL that forwards what the server sends only after <see cref="ReplyDelay"/>.</summary>
    private sealed class DelayingProxy : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly List<TcpClient> _sockets = [];
        private readonly Task _accepting;

        private DelayingProxy(string upstream)
        {
            var target = new NpgsqlConnectionStringBuilder(upstream);
            _listener.Start();
            ConnectionString = new NpgsqlConnectionStringBuilder(upstream)
            {
                Host = "127.0.0.1",
                Port = ((IPEndPoint)_listener.LocalEndpoint).Port,
                Pooling = false,
            }.ConnectionString;
            _accepting = AcceptAsync(target.Host!, target.Port);
        }

        public string ConnectionString { get; }

        public static Task<DelayingProxy> StartAsync(string upstream) => Task.FromResult(new DelayingProxy(upstream));

        private async Task AcceptAsync(string host, int port)
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    var server = new TcpClient();
                    lock (_sockets)
                    {
                        _sockets.Add(client);
                        _sockets.Add(server);
                    }

                    await server.ConnectAsync(host, port, _stop.Token);
                    _ = PumpAsync(client.GetStream(), server.GetStream(), TimeSpan.Zero);
                    _ = PumpAsync(server.GetStream(), client.GetStream(), ReplyDelay);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }

        private async Task PumpAsync(NetworkStream from, NetworkStream to, TimeSpan delay)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                int read;
                while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
                {
                    if (delay > TimeSpan.Zero)
                    {
                        await Task.Delay(delay, _stop.Token);
                    }

                    await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            lock (_sockets)
            {
                _sockets.ForEach(socket => socket.Dispose());
            }

            await _accepting;
            _stop.Dispose();
        }
    }
}
