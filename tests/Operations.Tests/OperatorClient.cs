using System.Net;
using System.Text.RegularExpressions;

namespace Distribution.Aspire.Operations.Tests;

/// <summary>An operator's HTTP session with the console through the gateway: cookies kept, redirects not followed.</summary>
public sealed partial class OperatorClient : IDisposable
{
    private readonly HttpClient _http;

    public OperatorClient(Uri address)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = address };
    }

    public CookieContainer Cookies { get; }

    public static async Task<OperatorClient> SignedInAsync(Uri address)
    {
        var client = new OperatorClient(address);
        using var response = await client.SignInAsync(ConsoleTopology.AdminKey);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    public async Task<HttpResponseMessage> SignInAsync(string key)
    {
        var token = await AntiforgeryTokenAsync("/ops/signin");
        return await PostFormAsync("/ops/signin", new() { ["key"] = key, ["__RequestVerificationToken"] = token });
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path, TestContext.Current.CancellationToken);

    public async Task<string> PageAsync(string path)
    {
        using var response = await GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}");
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    public Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> fields) =>
        _http.PostAsync(path, new FormUrlEncodedContent(fields), TestContext.Current.CancellationToken);

    /// <summary>The antiforgery token of the first form on a page.</summary>
    public async Task<string> AntiforgeryTokenAsync(string path)
    {
        using var response = await GetAsync(path);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var match = TokenField().Match(html);
        Assert.True(match.Success, $"No antiforgery token on {path} ({(int)response.StatusCode})");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
