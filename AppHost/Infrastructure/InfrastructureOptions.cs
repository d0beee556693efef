using Microsoft.Extensions.Configuration;

namespace Distribution.Aspire.AppHost.Infrastructure;

/// <summary>The <c>Infrastructure</c> configuration section (environment: <c>Infrastructure__Mode</c>, …).</summary>
public sealed record InfrastructureOptions(
    InfrastructureMode Mode,
    string DataDirectory,
    int? PostgresPort,
    int? RedisPort,
    string? PostgresBinDirectory)
{
    public const string SectionName = "Infrastructure";

    public static InfrastructureOptions FromConfiguration(IConfiguration configuration, string appHostDirectory)
    {
        var section = configuration.GetSection(SectionName);
        var modeText = section["Mode"] ?? "auto";
        if (!Enum.TryParse<InfrastructureMode>(modeText, ignoreCase: true, out var mode) || !Enum.IsDefined(mode))
        {
            throw new PreflightException(
                $"Infrastructure mode '{modeText}' is not one of auto, containers, local. Set Infrastructure__Mode to one of them.");
        }

        var dataDirectory = section["DataDirectory"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, appHostDirectory)
            : Path.GetFullPath(Path.Combine(appHostDirectory, "..", ".data"));

        return new InfrastructureOptions(
            mode,
            dataDirectory,
            ReadPort(section, "PostgresPort"),
            ReadPort(section, "RedisPort"),
            section["PostgresBinDirectory"]);
    }

    private static int? ReadPort(IConfigurationSection section, string key)
    {
        var text = section[key];
        if (string.IsNullOrEmpty(text) || text == "0")
        {
            return null;
        }

        return int.TryParse(text, out var port) && port is > 0 and < 65536
            ? port
            : throw new PreflightException($"Infrastructure:{key} is '{text}', which is not a TCP port. Use a number from 1 to 65535, or 0 to pick a free one.");
    }
}
