namespace Distribution.Aspire.Gateway.Tests;

/// <summary>Real partner payloads live in ../shared/contracts beside the repository and are read at test time.</summary>
internal static class SharedContracts
{
    public static string PathOf(params string[] parts)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Distribution.Aspire.sln")))
        {
            directory = directory.Parent;
        }

        var root = directory?.FullName ?? throw new InvalidOperationException("Repository root (Distribution.Aspire.sln) not found above the test binaries.");
        return Path.Combine([root, "..", "shared", "contracts", .. parts]);
    }
}
