using Microsoft.AspNetCore.Http;

namespace Distribution.Aspire.ServiceDefaults.Health;

public static class HealthPaths
{
    public const string Readiness = "/health";
    public const string Liveness = "/alive";

    public static bool IsProbe(PathString path) =>
        path.StartsWithSegments(Readiness) || path.StartsWithSegments(Liveness);

    public static bool IsProbe(string path) => IsProbe(new PathString(path));
}
