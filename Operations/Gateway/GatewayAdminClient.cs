using System.Text.Json;
using System.Text.Json.Nodes;

namespace Distribution.Aspire.Operations.Gateway;

/// <summary>
/// The gateway's admin API (<c>X-Admin-Key</c> from the console's configuration, never the operator's typed key):
/// the gateway's own endpoints and each service's admin API at <c>/admin/&lt;service&gt;/…</c>. A failure is an
/// answer like any other, so a page can show which service did not answer.
/// </summary>
public sealed class GatewayAdminClient(HttpClient http)
{
    public const string AdminKeySetting = "Gateway:AdminKey";
    public const string AdminKeyHeader = "X-Admin-Key";

    public Task<AdminAnswer> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, cancellationToken);

    public Task<AdminAnswer> PostAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Post, path, cancellationToken);

    /// <summary>A service's own admin API through the gateway's pass-through: <c>/admin/{service}{path}</c>.</summary>
    public static string ServicePath(string service, string path) => $"/admin/{Uri.EscapeDataString(service)}{path}";

    private async Task<AdminAnswer> SendAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(method, path);
            using var response = await http.SendAsync(request, cancellationToken);
            var body = Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new AdminAnswer(status, body, null);
            }

            var answer = new AdminAnswer(status, body, null);
            return answer with { Failure = $"{status} {answer.ProblemCode ?? response.StatusCode.ToString()}" };
        }
        catch (HttpRequestException ex)
        {
            return new AdminAnswer(null, null, $"gateway unreachable ({ex.HttpRequestError})");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AdminAnswer(null, null, "no answer in time");
        }
    }

    private static JsonNode? Parse(string text)
    {
        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
