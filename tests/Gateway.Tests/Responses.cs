using System.Net.Http.Json;
using System.Text.Json;

namespace Distribution.Aspire.Gateway.Tests;

internal static class Responses
{
    /// <summary>The problem details body, after checking it is one.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    public static async Task<string> ProblemCodeAsync(this HttpResponseMessage response) =>
        (await response.ProblemAsync()).GetProperty("code").GetString()!;

    public static Task<EchoedRequest?> EchoAsync(this HttpResponseMessage response) =>
        response.Content.ReadFromJsonAsync<EchoedRequest>(TestContext.Current.CancellationToken);

    public static string? Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
