namespace Distribution.Aspire.AppHost.Infrastructure;

/// <summary>
/// A connection string a service references, and the resource whose health says it can be used. They
/// differ in local mode: a connection-string resource is never "ready" by itself, the server is.
/// </summary>
public sealed record Dependency(IResourceBuilder<IResourceWithConnectionString> Connection, IResourceBuilder<IResource> Ready);
