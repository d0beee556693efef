namespace Distribution.Aspire.Gateway.Topology;

/// <summary>What the gateway saw when it asked one backend's gRPC health service.</summary>
public sealed record BackendStatus(string Name, string Status, double Milliseconds, string? Detail);

public sealed record TopologyReport(bool AllServing, IReadOnlyList<BackendStatus> Services);
