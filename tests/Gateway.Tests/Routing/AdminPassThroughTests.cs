using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.AspNetCore.Http;

namespace Distribution.Aspire.Gateway.Tests.Routing;

/// <summary>
/// Operators reach services' admin APIs through the gateway with the operators' key; services receive the service
/// admin key the gateway was given, never the caller's.
/// </summary>
public sealed class AdminPassThroughTests(TestServers servers) : IAsyncLifetime
{
    private GatewayHarness _harness = null!;

    public async ValueTask InitializeAsync() => _harness = await GatewayHarness.StartAsync(servers);

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Theory]
    [InlineData("POST", "/admin/inventory/adjustments", "inventoryservice", "/admin/inventory/adjustments")]
    [InlineData("POST", "/admin/locations", "inventoryservice", "/admin/locations")]
    [InlineData("GET", "/admin/orderservice/dead-letters?status=all", "orderservice", "/admin/dead-letters?status=all")]
    [InlineData("POST", "/admin/inventoryservice/dead-letters/6f1c2a8e-0d5b-4c1e-9f57-1a2b3c4d5e6f:replay", "inventoryservice", "/admin/dead-letters/6f1c2a8e-0d5b-4c1e-9f57-1a2b3c4d5e6f:replay")]
    public async Task Admin_routes_reach_the_service_with_the_service_admin_key(string method, string path, string destination, string forwardedPath)
    {
        using var client = _harness.AdminClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { });
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var echo = await response.EchoAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(destination, echo!.Destination);
        Assert.Equal(forwardedPath, echo.Path + echo.Query);
        Assert.Equal(GatewayHarness.ServiceAdminKey, echo.Header("X-Admin-Key"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    [InlineData(GatewayHarness.ServiceAdminKey)]
    public async Task Admin_routes_refuse_anything_but_the_operators_key_and_forward_nothing(string? key)
    {
        var partner = await _harness.CreatePartnerAsync(["orders", "inventory"]);
        using var client = _harness.Client();
        client.DefaultRequestHeaders.Add("X-Api-Key", partner.ApiKey);
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Admin-Key", key);
        }

        var before = _harness.Destinations["inventoryservice"].Received.Count;
        using var response = await client.PostAsJsonAsync("/admin/inventory/adjustments", new { sku = "SKU-1" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", await response.ProblemCodeAsync());
        Assert.Equal(before, _harness.Destinations["inventoryservice"].Received.Count);
    }

    [Fact]
    public async Task Dead_letters_of_every_service_are_listed_together_with_their_service()
    {
        foreach (var service in new[] { "orderservice", "inventoryservice" })
        {
            _harness.Destinations[service].Handlers["/admin/dead-letters"] = context =>
                context.Request.Headers["X-Admin-Key"] == GatewayHarness.ServiceAdminKey
                    ? context.Response.WriteAsJsonAsync(new[] { new { id = Guid.NewGuid(), topic = $"{service}-topic", status = "pending" } })
                    : Results.Unauthorized().ExecuteAsync(context);
        }

        using var client = _harness.AdminClient();
        var report = await client.GetFromJsonAsync<JsonElement>("/admin/dead-letters", TestContext.Current.CancellationToken);

        var services = report.GetProperty("deadLetters").EnumerateArray().Select(d => (d.GetProperty("service").GetString(), d.GetProperty("topic").GetString())).OrderBy(s => s.Item1).ToList();
        Assert.Equal([("inventoryservice", "inventoryservice-topic"), ("orderservice", "orderservice-topic")], services);
        Assert.Empty(report.GetProperty("unreachable").EnumerateArray());
    }

    [Fact]
    public async Task Replaying_a_dead_letter_asks_the_services_until_one_knows_it()
    {
        var (id, unknownId) = (Guid.NewGuid(), Guid.NewGuid());
        foreach (var path in new[] { $"/admin/dead-letters/{id}:replay", $"/admin/dead-letters/{unknownId}:replay" })
        {
            _harness.Destinations["orderservice"].Handlers[path] = NotFound;
            _harness.Destinations["inventoryservice"].Handlers[path] = NotFound;
        }

        _harness.Destinations["inventoryservice"].Handlers[$"/admin/dead-letters/{id}:replay"] = context =>
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return Task.CompletedTask;
        };

        using var client = _harness.AdminClient();
        using var replayed = await client.PostAsync($"/admin/dead-letters/{id}:replay", null, TestContext.Current.CancellationToken);
        using var unknown = await client.PostAsync($"/admin/dead-letters/{unknownId}:replay", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, replayed.StatusCode);
        Assert.Contains(_harness.Destinations["inventoryservice"].Received, r => r.Path == $"/admin/dead-letters/{id}:replay");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("not_found", await unknown.ProblemCodeAsync());
    }

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
