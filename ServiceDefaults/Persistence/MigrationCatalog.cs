using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Distribution.Aspire.ServiceDefaults.Persistence;

/// <summary>
/// Finds the migrations a service ships as embedded <c>Migrations/NNNN_name.sql</c> resources.
/// </summary>
public static partial class MigrationCatalog
{
    public static IReadOnlyList<Migration> FromAssembly(Assembly assembly)
    {
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ResourceName().Match(resource);
            if (!match.Success)
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(Create(int.Parse(match.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups["name"].Value, reader.ReadToEnd()));
        }

        return Validate(migrations);
    }

    public static Migration Create(int version, string name, string sql)
    {
        // Line endings must not change the checksum, or a checkout on another OS would refuse to start.
        var normalized = sql.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));
        return new Migration(version, name, normalized, checksum);
    }

    public static IReadOnlyList<Migration> Validate(IEnumerable<Migration> migrations)
    {
        var ordered = migrations.OrderBy(m => m.Version).ToList();
        var duplicate = ordered.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException(
                $"Migration version {duplicate.Key:D4} is used twice ({string.Join(", ", duplicate.Select(m => m.Name))}); give each migration its own number.");
        }

        return ordered;
    }

    [GeneratedRegex(@"\.Migrations\.(?<version>\d{4})_(?<name>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex ResourceName();
}
