namespace Distribution.Aspire.ServiceDefaults.Persistence;

/// <summary>
/// Migrations that belong together and are numbered on their own: the service's schema is one set,
/// each shared library with tables of its own (messaging) is another.
/// </summary>
public sealed record MigrationSet(string Scope, IReadOnlyList<Migration> Migrations)
{
    public const string ServiceScope = "service";
}
