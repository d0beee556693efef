using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Gateway.Tests.Routing;

/// <summary>Each route group reaches its own destination over real HTTP; everything else is a 404 problem.</summary>
public sealed class RoutingTests(TestServers servers) : IAsyncLifetime
{
    private GatewayHarness _harness = null!;
    private TestPartner _partner = null!;

    public async ValueTask InitializeAsync()
    {
        _harness = await GatewayHarness.StartAsync(servers);
        _partner = await _harness.CreatePartnerAsync(["orders", "inventory", "amazon", "3pl"]);
    }

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Theory]
    [InlineData("GET", "/v1/orders/ord-1", "orderservice")]
    [InlineData("GET", "/v1/orders?channelOrderId=PO-1001", "orderservice")]
    [InlineData("POST", "/v1/orders/ord-1:cancel", "orderservice")]
    [InlineData("GET", "/v1/inventory/SKU-1", "inventoryservice")]
    [InlineData("POST", "/partners/amazon/notifications", "amazon-adapter")]
    [InlineData("POST", "/partners/amazon/settlements", "settlementservice")]
    [InlineData("POST", "/partners/3pl/events", "threepl-adapter")]
    public async Task Each_partner_route_reaches_its_destination_with_path_and_query_intact(string method, string pathAndQuery, string destination)
    {
        using var client = _harness.PartnerClient(_partner.ApiKey);
        using var request = new HttpRequestMessage(new HttpMethod(method), pathAndQuery);
        if (method == "POST")
        {
            // Settlement reports are tab-separated flat files, not JSON.
            request.Content = pathAndQuery.EndsWith("/settlements", StringComparison.Ordinal)
                ? new StringContent("settlement-id\ttotal-amount\n", System.Text.Encoding.UTF8, "text/tab-separated-values")
                : JsonContent.Create(new { hello = "world" });
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var echo = await response.EchoAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(destination, echo!.Destination);
        Assert.Equal(pathAndQuery, echo.Path + echo.Query);
        Assert.Equal(method, echo.Method);
    }

    [Fact]
    public async Task Post_to_the_orders_collection_reaches_the_order_service()
    {
        using var client = _harness.PartnerClient(_partner.ApiKey);

        using var response = await client.PostAsJsonAsync("/v1/orders", new { channelOrderId = "PO-1001" }, TestContext.Current.CancellationToken);
        var echo = await response.EchoAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("orderservice", "/v1/orders"), (echo!.Destination, echo.Path));
        Assert.True(echo.BodyLength > 0);
    }

    [Theory]
    [InlineData("/v2/orders/ord-1")]
    [InlineData("/v1/shipments/1")]
    [InlineData("/v1/ordersx")]
    [InlineData("/partners/walmart/webhooks")]
    [InlineData("/")]
    public async Task Unknown_paths_and_versions_answer_404_problem_details(string path)
    {
        using var client = _harness.PartnerClient(_partner.ApiKey);

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", await response.ProblemCodeAsync());
        Assert.All(_harness.Destinations.Values, d => Assert.DoesNotContain(d.Received, r => r.Path == path));
    }

    [Fact]
    public async Task Correlation_id_is_returned_and_forwarded_with_the_callers_trace()
    {
        using var client = _harness.PartnerClient(_partner.ApiKey);
        // The caller's own span: its HttpClient sends traceparent as a child of it.
        using var callerSpan = new Activity("partner-call").SetIdFormat(ActivityIdFormat.W3C).Start();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/inventory/SKU-1");
        request.Headers.Add("X-Correlation-Id", "corr-routing-1");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var echo = await response.EchoAsync();

        Assert.Equal("corr-routing-1", response.Header("X-Correlation-Id"));
        Assert.Equal("corr-routing-1", echo!.Header("X-Correlation-Id"));
        var forwarded = echo.Header("traceparent");
        Assert.NotNull(forwarded);
        Assert.Equal(callerSpan.TraceId.ToString(), forwarded.Split('-')[1]);
        Assert.NotEqual(callerSpan.SpanId.ToString(), forwarded.Split('-')[2]);
    }

    [Fact]
    public async Task A_missing_or_unacceptable_correlation_id_is_replaced_and_the_replacement_forwarded()
    {
        using var client = _harness.PartnerClient(_partner.ApiKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/inventory/SKU-1");
        request.Headers.TryAddWithoutValidation("X-Correlation-Id", "not acceptable <script>");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var echo = await response.EchoAsync();

        var returned = response.Header("X-Correlation-Id");
        Assert.False(string.IsNullOrEmpty(returned));
        Assert.NotEqual("not acceptable <script>", returned);
        Assert.Equal(returned, echo!.Header("X-Correlation-Id"));
    }

    [Fact]
    public async Task A_destination_error_response_passes_through_unchanged()
    {
        using var client = _harness.PartnerClient(_partner.ApiKey);

        using var response = await client.GetAsync("/v1/orders/missing?status=404", TestContext.Current.CancellationToken);
        var echo = await response.EchoAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("orderservice", echo!.Destination);
    }
}
