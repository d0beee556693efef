namespace Distribution.Aspire.AppHost.Infrastructure;

/// <summary>Postgres (one database per service) and Redis, whichever way they were provided.</summary>
public sealed class Infrastructure(InfrastructureMode mode, IReadOnlyDictionary<string, Dependency> databases, Dependency redis)
{
    public InfrastructureMode Mode { get; } = mode;

    public Dependency Redis { get; } = redis;

    public Dependency Database(string name) =>
        databases.TryGetValue(name, out var database)
            ? database
            : throw new InvalidOperationException($"Database '{name}' was not declared; add it to the list passed to AddInfrastructure.");
}
