using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Distribution.Aspire.SettlementService.Tests;

public static class Problems
{
    /// <summary>The response is problem details with this status and stable code.</summary>
    public static async Task AssertAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(code, body["code"]!.GetValue<string>());
    }
}
