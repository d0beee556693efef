using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Distribution.Aspire.EndToEnd.Tests;

/// <summary>The operations console as the AppHost wires it: behind the gateway at /ops, signing in with the admin key, reading through the gateway.</summary>
[Collection(TopologyCollection.Name)]
public sealed partial class OperationsConsoleTests(TopologyFixture topology)
{
    [Fact]
    public async Task An_operator_signs_in_at_the_gateways_ops_and_sees_every_services_exceptions_and_dead_letters_and_the_partners()
    {
        var partnerId = $"e2e-ops-{Guid.NewGuid():N}"[..16];
        using (var admin = topology.CreateGatewayClient())
        {
            admin.DefaultRequestHeaders.Add("X-Admin-Key", TopologyFixture.AdminKey);
            using var created = await admin.PostAsJsonAsync("/admin/partners",
                new { partnerId, kind = "b2b", channel = "b2b", scopes = new[] { "orders" }, rateLimit = new { perSecond = 5, burst = 10 } },
                TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri($"http://localhost:{topology.GatewayPort}"),
        };
        var form = await client.GetStringAsync("/ops/signin", TestContext.Current.CancellationToken);
        var token = WebUtility.HtmlDecode(Token().Match(form).Groups[1].Value);
        using var signIn = await client.PostAsync("/ops/signin",
            new FormUrlEncodedContent([new("key", TopologyFixture.AdminKey), new("__RequestVerificationToken", token)]), TestContext.Current.CancellationToken);
        var exceptions = await signIn.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var partners = await client.GetStringAsync("/ops/partners", TestContext.Current.CancellationToken);
        var deadLetters = await client.GetStringAsync("/ops/dead-letters", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Equal("/ops/exceptions", signIn.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("<table id=\"exceptions\">", exceptions, StringComparison.Ordinal);
        // Every service's exception list answered through the gateway: the console's paths match the real services.
        Assert.DoesNotContain("id=\"unreachable\"", exceptions, StringComparison.Ordinal);
        Assert.Contains($"<tr id=\"partner-{partnerId}\"", partners, StringComparison.Ordinal);
        Assert.Contains("<table id=\"dead-letters\">", deadLetters, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"unreachable\"", deadLetters, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"failure\"", deadLetters, StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
