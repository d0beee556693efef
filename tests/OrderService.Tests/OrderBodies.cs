using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Distribution.Aspire.OrderService.Tests;

/// <summary>Bodies of <c>POST /v1/orders</c> as partners send them, to be changed by each test.</summary>
public static class OrderBodies
{
    public static string NewChannelOrderId() => $"PO-{Guid.NewGuid():N}"[..16];

    public static JsonObject Valid(string? channelOrderId = null, int lines = 2) => new()
    {
        ["channelOrderId"] = channelOrderId ?? NewChannelOrderId(),
        ["currency"] = "USD",
        ["shipTo"] = new JsonObject
        {
            ["name"] = "Ada Buyer",
            ["line1"] = "1 Main St",
            ["city"] = "Springfield",
            ["region"] = "IL",
            ["postalCode"] = "62701",
            ["country"] = "US",
        },
        ["lines"] = new JsonArray(Enumerable.Range(1, lines).Select(i => (JsonNode)new JsonObject
        {
            ["lineId"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["sku"] = $"SKU-{i}",
            ["quantity"] = i,
            ["unitPrice"] = "10.00",
        }).ToArray()),
    };

    public static Task<HttpResponseMessage> SubmitAsync(this HttpClient client, JsonObject body) =>
        client.PostAsync("/v1/orders", JsonContent.Create(body));

    public static async Task<JsonObject> SubmitOkAsync(this HttpClient client, JsonObject body)
    {
        using var response = await client.SubmitAsync(body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"submit answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<JsonObject> GetOrderAsync(this HttpClient partner, Guid orderId) =>
        (await partner.GetFromJsonAsync<JsonObject>($"/v1/orders/{orderId}"))!;

    public static Guid OrderId(this JsonObject order) => Guid.Parse(order["orderId"]!.GetValue<string>());

    public static string Status(this JsonObject order) => order["status"]!.GetValue<string>();
}
