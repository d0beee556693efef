using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.Messaging.CloudEvents;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Messaging.Tests.Dapr;

/// <summary>Starting the widget service with Dapr as its transport, and speaking to it the way daprd does.</summary>
public static class DaprWidgets
{
    public const string WidgetMadeType = "distribution.test.widget_made.v1";

    /// <summary>
    /// A widget service on Dapr, with its own database. Without <paramref name="sidecar"/> the sidecar
    /// address points at a closed loopback port, so nothing can leave the service by accident.
    /// </summary>
    public static async Task<WidgetHost> StartAsync(TestServers servers, string subscription, Uri? sidecar = null)
    {
        sidecar ??= new Uri($"http://127.0.0.1:{FreePort.Next()}");
        return await WidgetHost.StartAsync(
            await servers.CreateDatabaseAsync("widgets"),
            servers.RedisConnectionString,
            $"t{Guid.NewGuid():N}"[..12] + ":",
            subscription,
            overrides: new Dictionary<string, string?>
            {
                ["Messaging:Transport"] = "Dapr",
                ["DAPR_GRPC_ENDPOINT"] = sidecar.GetLeftPart(UriPartial.Authority),
                ["DAPR_HTTP_ENDPOINT"] = sidecar.GetLeftPart(UriPartial.Authority),
            });
    }

    public static CloudEvent WidgetMade(string eventId, string widgetId, int sequence) => new(
        eventId,
        "/distribution/dapr-contract-tests",
        WidgetMadeType,
        DateTimeOffset.UtcNow,
        widgetId,
        JsonDocument.Parse($$"""{"widgetId":"{{widgetId}}","sequence":{{sequence}}}""").RootElement.Clone());

    /// <summary>POSTs a delivery as daprd does (structured CloudEvent) and returns the status the app answered.</summary>
    public static Task<string> DeliverAsync(WidgetHost host, string route, CloudEvent cloudEvent) =>
        DeliverAsync(host, route, CloudEventSerializer.Serialize(cloudEvent));

    public static async Task<string> DeliverAsync(WidgetHost host, string route, byte[] body)
    {
        using var client = host.App.CreateClient();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(CloudEvent.ContentType);
        using var response = await client.PostAsync(route, content, TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return answer.GetProperty("status").GetString()!;
    }
}
