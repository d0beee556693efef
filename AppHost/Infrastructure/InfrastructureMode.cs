namespace Distribution.Aspire.AppHost.Infrastructure;

/// <summary>Where Postgres and Redis come from: Docker containers, or local executables.</summary>
public enum InfrastructureMode
{
    /// <summary>Containers when a Docker engine answers, else local executables.</summary>
    Auto,
    Containers,
    Local,
}
