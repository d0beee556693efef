using Distribution.Aspire.Messaging.Outbox;
using Distribution.Aspire.Messaging.Transport;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Distribution.Aspire.Messaging.Tests;

/// <summary>What the relay's read of the outbox costs once a burst has left the table full of dead rows.</summary>
public sealed class OutboxRelayTests(TestServers servers)
{
    [Fact]
    public async Task Relay_reads_and_deletes_in_a_bloated_outbox_through_its_index_with_the_plans_cached_while_it_was_small()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var connectionString = await servers.CreateDatabaseAsync("relay");
        await (await WidgetHost.StartAsync(connectionString, servers.RedisConnectionString, $"t{Guid.NewGuid():N}"[..12] + ":", "relay-schema")).DisposeAsync();

        await using var admin = new NpgsqlConnection(connectionString);
        await admin.OpenAsync(cancellation);

        // Before the relay plans its read: changing the table drops cached plans, as the analyze that vacuum runs does.
        await ExecuteAsync(admin, "ALTER TABLE outbox SET (autovacuum_enabled = false)");

        // The plans the relay keeps for its read and its delete are the ones made for an empty, then a one-page outbox,
        // where a sequential scan is the cheapest plan there is.
        await using var relayDatabase = NpgsqlDataSource.Create(TableScans.GenericPlansOnOneConnection(connectionString));
        var transport = new RecordingTransport();
        using var telemetry = new MessagingTelemetry();
        using var signal = new OutboxSignal();
        var relay = new OutboxRelay(relayDatabase, transport, Options.Create(new MessagingOptions()), telemetry, signal, NullLogger<OutboxRelay>.Instance);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(0, await relay.RelayBatchAsync(cancellation));
        }

        for (var i = 0; i < 8; i++)
        {
            await ExecuteAsync(admin, Insert(1, $"small{i}"));
            Assert.Equal(1, await relay.RelayBatchAsync(cancellation));
            if (i == 3)
            {
                // What autovacuum does to a quiet outbox: from here on the statistics say one page and one row.
                await ExecuteAsync(admin, "ANALYZE outbox");
            }
        }

        Assert.Equal(0, await relay.RelayBatchAsync(cancellation));
        transport.Published.Clear();

        await ExecuteAsync(admin, Insert(20_000, "burst"));
        await ExecuteAsync(admin, "DELETE FROM outbox");
        await ExecuteAsync(admin, Insert(3, "after"));
        var scansBefore = await TableScans.SequentialAsync(relayDatabase, admin, "outbox", cancellation);

        var relayed = await relay.RelayBatchAsync(cancellation);
        var relayedAgain = await relay.RelayBatchAsync(cancellation);

        Assert.Equal(3, relayed);
        Assert.Equal(0, relayedAgain);
        Assert.Equal(["after-1", "after-2", "after-3"], transport.Published.Select(e => e.EventId));
        Assert.Equal(scansBefore, await TableScans.SequentialAsync(relayDatabase, admin, "outbox", cancellation));
        Assert.Equal(0, await ScalarAsync(admin, "SELECT count(*) FROM outbox"));
    }

    [Fact]
    public async Task Relay_deletes_what_it_published_with_its_next_read_and_never_publishes_it_twice()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var transport = new RecordingTransport();
        await using var rig = await RelayRig.StartAsync(servers, transport, new MessagingOptions { RelayBatchSize = 2 });
        var (relay, admin) = (rig.Relay, rig.Admin);
        await ExecuteAsync(admin, Insert(3, "first"));

        Assert.Equal(2, await relay.RelayBatchAsync(cancellation));
        Assert.Equal(3, await ScalarAsync(admin, "SELECT count(*) FROM outbox"));

        await ExecuteAsync(admin, Insert(1, "second"));
        Assert.Equal(2, await relay.RelayBatchAsync(cancellation));
        Assert.Equal(2, await ScalarAsync(admin, "SELECT count(*) FROM outbox"));
        Assert.Equal(0, await relay.RelayBatchAsync(cancellation));

        Assert.Equal(["first-1", "first-2", "first-3", "second-1"], transport.Published.Select(e => e.EventId));
        Assert.Equal(0, await ScalarAsync(admin, "SELECT count(*) FROM outbox"));
    }

    [Fact]
    public async Task Relay_holds_no_transaction_open_while_the_transport_is_slow()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var transport = new StalledTransport();
        await using var rig = await RelayRig.StartAsync(servers, transport, new MessagingOptions());
        var (relay, admin) = (rig.Relay, rig.Admin);
        await ExecuteAsync(admin, Insert(3, "slow"));

        var relaying = relay.RelayBatchAsync(cancellation);
        await transport.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellation);

        // An open transaction here would hold row locks, and a snapshot that keeps vacuum from cleaning up, for as
        // long as the broker takes (seconds, when it is down and the call times out).
        Assert.Equal(0, await ScalarAsync(admin, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND xact_start IS NOT NULL AND pid <> pg_backend_pid()"));
        transport.Release.SetResult();
        Assert.Equal(3, await relaying);
    }

    [Fact]
    public async Task Vacuum_leaves_an_emptied_outbox_its_pages_instead_of_locking_out_writers_to_cut_them_off()
    {
        await using var rig = await RelayRig.StartAsync(servers, new RecordingTransport(), new MessagingOptions());
        var cancellation = TestContext.Current.CancellationToken;

        // What autovacuum does once the relay has caught up after a burst.
        var (pages, after) = await QueueVacuum.EmptyAndVacuumAsync(rig.Admin.ConnectionString, "outbox", Insert(5_000, "burst"), cancellation);
        Assert.True(pages > 100, $"the burst filled {pages} pages");
        Assert.Equal(pages, after);

        // And the next burst of the same size fits in them, with no page added under the extension lock.
        await ExecuteAsync(rig.Admin, Insert(5_000, "again"));
        Assert.Equal(pages, await QueueVacuum.PagesAsync(rig.Admin, "outbox", cancellation));
    }

    /// <summary>A relay on a fresh database with the messaging schema, and an admin connection to look at it.</summary>
    private sealed class RelayRig : IAsyncDisposable
    {
        private readonly NpgsqlDataSource _database;
        private readonly MessagingTelemetry _telemetry = new();
        private readonly OutboxSignal _signal = new();

        private RelayRig(NpgsqlDataSource database, NpgsqlConnection admin, IEventTransport transport, MessagingOptions options)
        {
            _database = database;
            Admin = admin;
            Relay = new OutboxRelay(database, transport, Options.Create(options), _telemetry, _signal, NullLogger<OutboxRelay>.Instance);
        }

        public OutboxRelay Relay { get; }

        public NpgsqlConnection Admin { get; }

        public static async Task<RelayRig> StartAsync(TestServers servers, IEventTransport transport, MessagingOptions options)
        {
            var connectionString = await servers.CreateDatabaseAsync("relay");
            await (await WidgetHost.StartAsync(connectionString, servers.RedisConnectionString, $"t{Guid.NewGuid():N}"[..12] + ":", "relay-schema")).DisposeAsync();
            var admin = new NpgsqlConnection(connectionString);
            await admin.OpenAsync(TestContext.Current.CancellationToken);
            return new RelayRig(NpgsqlDataSource.Create(connectionString), admin, transport, options);
        }

        public async ValueTask DisposeAsync()
        {
            await Admin.DisposeAsync();
            await _database.DisposeAsync();
            _telemetry.Dispose();
            _signal.Dispose();
        }
    }

    private sealed class StalledTransport : IEventTransport
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
        }
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    private static string Insert(int count, string prefix) => $"""
        INSERT INTO outbox (event_id, topic, partition_key, event_type, envelope)
        SELECT '{prefix}-' || g, 'widgets', 'k', 'distribution.widget.changed.v1', convert_to(repeat('x', 700), 'UTF8')
        FROM generate_series(1, {count}) g
        """;

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private sealed class RecordingTransport : IEventTransport
    {
        public List<OutgoingEvent> Published { get; } = [];

        public Task PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
        {
            Published.AddRange(events);
            return Task.CompletedTask;
        }
    }
}
