using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.ServiceDefaults.Correlation;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Distribution.Aspire.ServiceDefaults.Tests.Correlation;

public sealed class CorrelationTests : IAsyncLifetime
{
    private readonly RecordingLoggerProvider _logs = new();
    private TestWebApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        _app = await TestWebApp.StartAsync(
            new Dictionary<string, string?>(),
            builder =>
            {
                builder.AddServiceDefaults();
                builder.Logging.AddProvider(_logs);
            },
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapGet("/work", (ILogger<CorrelationTests> logger) =>
                {
                    logger.LogInformation("doing the work");
                    return TypedResults.Ok(new { correlationId = CorrelationContext.Current });
                });
                app.MapGet("/echo-header", (HttpRequest request) => TypedResults.Ok(new { received = request.Headers[CorrelationContext.HeaderName].ToString() }));
                app.MapGet("/call-out", async (IHttpClientFactory factory, HttpContext context) =>
                {
                    using var client = factory.CreateClient();
                    var self = $"{context.Request.Scheme}://{context.Request.Host}/echo-header";
                    return TypedResults.Ok(await client.GetFromJsonAsync<JsonElement>(self));
                });
            });
    }

    [Fact]
    public async Task Keeps_the_callers_correlation_id_and_returns_it()
    {
        using var response = await SendAsync("/work", "po-1001:retry-2");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal("po-1001:retry-2", Assert.Single(response.Headers.GetValues(CorrelationContext.HeaderName)));
        Assert.Equal("po-1001:retry-2", body.GetProperty("correlationId").GetString());
    }

    [Fact]
    public async Task Creates_one_from_the_trace_when_the_caller_sent_none()
    {
        using var response = await SendAsync("/work", correlationId: null);

        var id = Assert.Single(response.Headers.GetValues(CorrelationContext.HeaderName));
        Assert.Matches("^[0-9a-f]{32}$", id);
    }

    [Theory]
    [InlineData("has spaces in it")]
    [InlineData("semi;colon")]
    [InlineData("<script>")]
    public async Task Replaces_an_id_that_is_not_plain_rather_than_echoing_it(string unsafeId)
    {
        using var response = await SendAsync("/work", unsafeId);

        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(response.Headers.GetValues(CorrelationContext.HeaderName)));
    }

    [Fact]
    public async Task Replaces_an_overlong_id()
    {
        using var response = await SendAsync("/work", new string('a', 129));

        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(response.Headers.GetValues(CorrelationContext.HeaderName)));
    }

    [Fact]
    public async Task Every_log_written_for_the_request_carries_the_id()
    {
        using var response = await SendAsync("/work", "log-scope-check");

        var entry = Assert.Single(_logs.Entries, e => e.Message == "doing the work");
        Assert.Equal("log-scope-check", entry.Scope[CorrelationContext.LogScopeKey]);
    }

    [Fact]
    public async Task Outgoing_http_calls_pass_the_id_on()
    {
        using var response = await SendAsync("/call-out", "passed-along");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal("passed-along", body.GetProperty("received").GetString());
    }

    [Fact]
    public async Task Error_responses_carry_the_id_in_header_and_body()
    {
        using var response = await SendAsync("/no-such-route", "lost-partner-42");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("lost-partner-42", Assert.Single(response.Headers.GetValues(CorrelationContext.HeaderName)));
        Assert.Equal("lost-partner-42", problem.GetProperty("correlationId").GetString());
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<HttpResponseMessage> SendAsync(string path, string? correlationId)
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (correlationId is not null)
        {
            request.Headers.TryAddWithoutValidation(CorrelationContext.HeaderName, correlationId);
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
