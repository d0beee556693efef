using System.Net;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Gateway.Tests.Routing;

/// <summary>
/// <c>/ops…</c> goes to the operations console, which signs operators in itself: the gateway asks for no credential,
/// and passes none on (neither the caller's keys nor the service admin key), only the console's own cookie.
/// </summary>
public sealed class OperationsConsoleRouteTests(TestServers servers) : IAsyncLifetime
{
    private GatewayHarness _harness = null!;

    public async ValueTask InitializeAsync() => _harness = await GatewayHarness.StartAsync(servers);

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Theory]
    [InlineData("/ops")]
    [InlineData("/ops/exceptions?priority=1")]
    public async Task The_console_is_reached_without_credentials_and_receives_none_but_its_cookie(string path)
    {
        using var client = _harness.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Admin-Key", GatewayHarness.AdminKey);
        request.Headers.Add("X-Api-Key", "dak_0000000000000000_secret");
        request.Headers.Add("X-Partner-Id", "spoofed");
        request.Headers.Add("Cookie", "ops-auth=abc");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var echo = await response.EchoAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("operations", echo!.Destination);
        Assert.Equal(path, echo.Path + echo.Query);
        Assert.Equal("ops-auth=abc", echo.Header("Cookie"));
        Assert.Null(echo.Header("X-Admin-Key"));
        Assert.Null(echo.Header("X-Api-Key"));
        Assert.Null(echo.Header("X-Partner-Id"));
        Assert.NotNull(echo.Header("X-Correlation-Id"));
        // The console learns the operator's address and scheme from these; the last address is the one the gateway saw.
        Assert.Equal("http", echo.Header("X-Forwarded-Proto"));
        Assert.EndsWith("127.0.0.1", echo.Header("X-Forwarded-For"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_form_post_reaches_the_console_and_other_bodies_are_refused()
    {
        using var client = _harness.Client();

        using var form = await client.PostAsync("/ops/signin", new FormUrlEncodedContent([new("key", "x")]), TestContext.Current.CancellationToken);
        using var xml = await client.PostAsync("/ops/signin", new StringContent("<key/>", System.Text.Encoding.UTF8, "application/xml"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Equal("POST", (await form.EchoAsync())!.Method);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, xml.StatusCode);
        Assert.Equal("unsupported_media_type", await xml.ProblemCodeAsync());
    }
}
