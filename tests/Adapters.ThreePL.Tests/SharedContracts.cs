namespace Distribution.Aspire.Adapters.ThreePL.Tests;

/// <summary>The real partner material in <c>../shared/contracts</c> beside the repository, read as it is.</summary>
public static class SharedContracts
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Distribution.Aspire.sln")))
            {
                return Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "contracts"));
            }
        }

        throw new DirectoryNotFoundException("The repository root (Distribution.Aspire.sln) was not found above the test binaries.");
    });

    public static string FullPath(string relative) => Path.Combine(Root.Value, relative);

    /// <summary>Every X12 file under edi-x12, relative to the contracts folder, in a stable order.</summary>
    public static IEnumerable<string> X12Files() =>
        Directory.EnumerateFiles(FullPath("edi-x12"), "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Root.Value, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    /// <summary>Decoded as UTF-8, as the adapter decodes a request body.</summary>
    public static string Text(string relative) => File.ReadAllText(FullPath(relative));
}
