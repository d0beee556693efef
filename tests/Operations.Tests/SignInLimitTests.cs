using System.Net;

namespace Distribution.Aspire.Operations.Tests;

/// <summary>Sign-in attempts are limited per client address (the one the gateway forwards), so a key cannot be guessed at speed.</summary>
public sealed class SignInLimitTests : IDisposable
{
    private readonly Uri _address;
    private readonly OperationsFactory _console;

    public SignInLimitTests()
    {
        var port = Distribution.Aspire.TestInfrastructure.FreePort.Next();
        _address = new Uri($"http://127.0.0.1:{port}");
        _console = OperationsFactory.Start(new Dictionary<string, string?>
        {
            ["HTTP_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:AdminKey"] = ConsoleTopology.AdminKey,
            ["Operations:SignInAttemptsPerMinute"] = "3",
        });
    }

    [Fact]
    public async Task A_client_address_gets_a_few_attempts_a_minute_and_other_addresses_are_not_affected()
    {
        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            statuses.Add(await SignInAsync("198.51.100.7", "guess"));
        }

        var other = await SignInAsync("198.51.100.8", ConsoleTopology.AdminKey);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.Redirect, other);
    }

    /// <summary>As the gateway forwards it: the operator's address in X-Forwarded-For, trusted from loopback.</summary>
    private async Task<HttpStatusCode> SignInAsync(string client, string key)
    {
        using var operatorClient = new OperatorClient(_address);
        var token = await operatorClient.AntiforgeryTokenAsync("/ops/signin");
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = operatorClient.Cookies, AllowAutoRedirect = false }) { BaseAddress = _address };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ops/signin")
        {
            Content = new FormUrlEncodedContent([new("key", key), new("__RequestVerificationToken", token)]),
        };
        request.Headers.Add("X-Forwarded-For", client);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    public void Dispose() => _console.Dispose();
}
