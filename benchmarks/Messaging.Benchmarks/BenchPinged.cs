using Distribution.Aspire.Contracts.Events;
using Distribution.Aspire.Messaging.Consuming;
using Npgsql;

namespace Distribution.Aspire.Messaging.Benchmarks;

[IntegrationEvent("distribution.bench.pinged.v1", "bench")]
public sealed record BenchPinged(string Key, int Sequence) : IIntegrationEvent
{
    public string PartitionKey => Key;
}

/// <summary>The smallest real effect: one row, committed with the inbox record.</summary>
public sealed class BenchPingedHandler : IEventHandler<BenchPinged>
{
    public async Task HandleAsync(BenchPinged @event, EventContext context, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("INSERT INTO bench_effects (event_id, key, sequence) VALUES (@id, @key, @sequence)", context.Connection, context.Transaction);
        command.Parameters.AddWithValue("id", context.Envelope.Id);
        command.Parameters.AddWithValue("key", @event.Key);
        command.Parameters.AddWithValue("sequence", @event.Sequence);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
