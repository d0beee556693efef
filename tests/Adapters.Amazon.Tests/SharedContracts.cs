using System.Text.Json;
using System.Text.Json.Nodes;

namespace Distribution.Aspire.Adapters.Amazon.Tests;

/// <summary>The real partner material in <c>../shared/contracts</c> beside the repository, read as it is.</summary>
public static class SharedContracts
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Distribution.Aspire.sln")))
            {
                return Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "contracts", "amazon-sp-api"));
            }
        }

        throw new DirectoryNotFoundException("The repository root (Distribution.Aspire.sln) was not found above the test binaries.");
    });

    public static string FullPath(string relative) => Path.Combine(Root.Value, relative);

    public static string Text(string relative) => File.ReadAllText(FullPath(relative));

    public static JsonNode Json(string relative) => JsonNode.Parse(Text(relative))!;

    /// <summary>An operation's example of a response in an SP-API model, plus its sandbox static responses.</summary>
    public static IEnumerable<JsonNode> ResponseExamples(string model, string path, string method, string status = "200")
    {
        var response = Json(model)["paths"]![path]![method]!["responses"]![status]!;
        if (response["examples"]?["application/json"] is { } example)
        {
            yield return example.DeepClone();
        }

        foreach (var sandbox in response["x-amzn-api-sandbox"]?["static"]?.AsArray() ?? [])
        {
            if (sandbox?["response"] is { } body)
            {
                yield return body.DeepClone();
            }
        }
    }

    public static T Deserialize<T>(JsonNode node) => node.Deserialize<T>(SpApi.SpApiClient.Json)!;
}
