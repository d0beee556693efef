using System.Collections.Concurrent;
using Npgsql;

namespace Distribution.Aspire.Messaging.TestHost;

/// <summary>What the handler's after-commit actions saw: the event, and whether its effect was already visible to others.</summary>
public sealed class CommittedWidgets(NpgsqlDataSource database)
{
    public ConcurrentQueue<(string EventId, bool EffectVisible)> Seen { get; } = new();

    public void Record(string eventId)
    {
        // From another connection: only a committed effect shows.
        using var command = database.CreateCommand("SELECT count(*) FROM widget_effects WHERE event_id = $1");
        command.Parameters.Add(new() { Value = eventId });
        Seen.Enqueue((eventId, (long)command.ExecuteScalar()! > 0));
    }
}
