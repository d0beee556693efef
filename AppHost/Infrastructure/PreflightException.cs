namespace Distribution.Aspire.AppHost.Infrastructure;

/// <summary>A problem found before anything starts; its message names the cause and the fix.</summary>
public sealed class PreflightException(string message) : Exception(message);
