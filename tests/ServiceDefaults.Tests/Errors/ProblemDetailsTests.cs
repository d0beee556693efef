using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Distribution.Aspire.ServiceDefaults.Tests.Errors;

public sealed class ProblemDetailsTests : IAsyncLifetime
{
    private TestWebApp _app = null!;

    public async ValueTask InitializeAsync() =>
        _app = await TestWebApp.StartAsync(
            new Dictionary<string, string?>(),
            builder => builder.AddServiceDefaults(),
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapGet("/boom", string () => throw new InvalidOperationException("connection string Password=hunter2 leaked"));
                app.MapPost("/only-post", () => TypedResults.NoContent());
            });

    [Fact]
    public async Task Unknown_path_is_a_404_problem_with_a_stable_code()
    {
        using var client = _app.CreateClient();

        using var response = await client.GetAsync("/v9/nothing-here", TestContext.Current.CancellationToken);
        var problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("not_found", problem.GetProperty("code").GetString());
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("traceId", out _));
    }

    [Fact]
    public async Task Wrong_method_is_a_405_problem()
    {
        using var client = _app.CreateClient();

        using var response = await client.GetAsync("/only-post", TestContext.Current.CancellationToken);
        var problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("method_not_allowed", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Unhandled_exception_is_a_500_problem_that_reveals_nothing_inside()
    {
        using var client = _app.CreateClient();

        using var response = await client.GetAsync("/boom", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var problem = JsonDocument.Parse(text).RootElement;

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("internal_error", problem.GetProperty("code").GetString());
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", text, StringComparison.Ordinal);
        Assert.Contains("correlation id", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
