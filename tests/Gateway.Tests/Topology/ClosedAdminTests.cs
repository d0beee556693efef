using System.Net;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Gateway.Tests.Topology;

public sealed class ClosedAdminTests(TestServers servers)
{
    [Fact]
    public async Task Without_a_configured_admin_key_admin_stays_closed_to_everyone()
    {
        await using var gateway = await GatewayFactory.StartAsync(servers, new Dictionary<string, string?> { ["Gateway:AdminKey"] = "" });
        using var client = gateway.CreateHttpClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Admin-Key", "");

        using var response = await client.GetAsync("/admin/services", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
