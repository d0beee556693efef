namespace Distribution.Aspire.SettlementService.Tests;

/// <summary>Files of the repository itself (the shipped configuration), found from the test's output folder.</summary>
public static class Repository
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "Distribution.Aspire.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Distribution.Aspire.sln) is not above the test output folder.");
    });

    public static string File(string relative) => Path.Combine(Root.Value, relative);
}
