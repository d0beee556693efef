using Distribution.Aspire.Messaging.Outbox;
using Distribution.Aspire.TestInfrastructure;
using Npgsql;

namespace Distribution.Aspire.Messaging.Tests;

/// <summary>When the relay is woken, and whether it must re-read until a writer's commit shows.</summary>
public sealed class OutboxSignalTests(TestServers servers) : IAsyncLifetime
{
    private NpgsqlConnection _connection = null!;

    public async ValueTask InitializeAsync()
    {
        _connection = new NpgsqlConnection(servers.PostgresConnectionString);
        await _connection.OpenAsync(TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    [Fact]
    public async Task Events_written_before_a_callers_commit_wake_the_relay_to_chase_that_commit()
    {
        using var signal = new OutboxSignal();
        await using var transaction = await _connection.BeginTransactionAsync(TestContext.Current.CancellationToken);

        signal.NotifyBeforeCommit(transaction);

        Assert.True(await signal.WaitAsync(TimeSpan.Zero, TestContext.Current.CancellationToken));
        Assert.True(signal.TakeUncommitted());
        Assert.False(signal.TakeUncommitted());
    }

    [Fact]
    public async Task Events_written_after_a_commit_wake_the_relay_for_one_read()
    {
        using var signal = new OutboxSignal();

        signal.Notify();

        Assert.True(await signal.WaitAsync(TimeSpan.Zero, TestContext.Current.CancellationToken));
        Assert.False(signal.TakeUncommitted());
        Assert.False(await signal.WaitAsync(TimeSpan.Zero, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Events_written_in_a_handlers_transaction_wake_the_relay_only_once_its_owner_completes_it()
    {
        using var signal = new OutboxSignal();
        await using var publishing = await _connection.BeginTransactionAsync(TestContext.Current.CancellationToken);

        signal.DeferUntilCommitted(publishing);
        signal.NotifyBeforeCommit(publishing);
        signal.NotifyBeforeCommit(publishing);

        Assert.False(await signal.WaitAsync(TimeSpan.Zero, TestContext.Current.CancellationToken));
        Assert.False(signal.TakeUncommitted());
        Assert.True(signal.Complete(publishing));
        Assert.False(signal.Complete(publishing));
    }

    [Fact]
    public async Task A_handlers_transaction_that_published_nothing_does_not_wake_the_relay()
    {
        using var signal = new OutboxSignal();
        await using var quiet = await _connection.BeginTransactionAsync(TestContext.Current.CancellationToken);

        signal.DeferUntilCommitted(quiet);

        Assert.False(signal.Complete(quiet));
        Assert.False(await signal.WaitAsync(TimeSpan.Zero, TestContext.Current.CancellationToken));
    }
}
