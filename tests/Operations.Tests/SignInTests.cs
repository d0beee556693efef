using System.Net;

namespace Distribution.Aspire.Operations.Tests;

/// <summary>Operators sign in with the admin key; the cookie is HttpOnly, SameSite=Strict, scoped to /ops, Secure over https.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SignInTests(ConsoleTopology topology)
{
    [Fact]
    public async Task Signing_in_with_the_admin_key_sets_an_http_only_strict_cookie_for_ops_only()
    {
        using var client = new OperatorClient(topology.Gateway.HttpAddress);

        using var response = await client.SignInAsync(ConsoleTopology.AdminKey);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ops/exceptions", response.Headers.Location?.OriginalString);
        var cookie = AuthCookie(response);
        Assert.Contains("path=/ops", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Exceptions", await client.PageAsync("/ops/exceptions"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wrong-key")]
    [InlineData(ConsoleTopology.ServiceAdminKey)]
    public async Task Any_other_key_is_refused_without_a_cookie(string key)
    {
        using var client = new OperatorClient(topology.Gateway.HttpAddress);

        using var response = await client.SignInAsync(key);
        using var page = await client.GetAsync("/ops/exceptions");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("not the operators", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Null(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.FirstOrDefault(c => c.StartsWith("ops.auth=", StringComparison.Ordinal)) : null);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
    }

    [Theory]
    [InlineData("/ops")]
    [InlineData("/ops/exceptions")]
    [InlineData("/ops/exceptions/detail?service=erp-adapter&source=erp&id=7")]
    [InlineData("/ops/dead-letters")]
    [InlineData("/ops/partners")]
    [InlineData("/ops/orders?q=PO-TIMELINE")]
    public async Task Every_page_but_sign_in_sends_a_stranger_to_sign_in(string path)
    {
        using var client = new OperatorClient(topology.Gateway.HttpAddress);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/ops/signin?ReturnUrl=", response.Headers.Location?.PathAndQueryOrOriginal(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replay_posted_without_a_session_changes_nothing()
    {
        using var client = new OperatorClient(topology.Gateway.HttpAddress);

        using var response = await client.PostFormAsync("/ops/dead-letters?handler=Replay", new() { ["service"] = "widgets", ["id"] = Guid.NewGuid().ToString() });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/ops/signin", response.Headers.Location?.PathAndQueryOrOriginal(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        using var client = await OperatorClient.SignedInAsync(topology.Gateway.HttpAddress);
        var token = await client.AntiforgeryTokenAsync("/ops/exceptions");

        using var signOut = await client.PostFormAsync("/ops/signout", new() { ["__RequestVerificationToken"] = token });
        using var after = await client.GetAsync("/ops/partners");

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/ops/signin", after.Headers.Location?.PathAndQueryOrOriginal(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Behind_https_at_the_gateway_the_cookies_are_secure()
    {
        // As the gateway forwards a request that reached it over https (X-Forwarded-Proto, trusted from loopback).
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = topology.ConsoleAddress };
        using var form = new HttpRequestMessage(HttpMethod.Get, "/ops/signin");
        form.Headers.Add("X-Forwarded-Proto", "https");
        using var formResponse = await http.SendAsync(form, TestContext.Current.CancellationToken);
        var html = await formResponse.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var token = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value);
        var antiforgery = formResponse.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ops.csrf=", StringComparison.Ordinal));

        using var post = new HttpRequestMessage(HttpMethod.Post, "/ops/signin")
        {
            Content = new FormUrlEncodedContent([new("key", ConsoleTopology.AdminKey), new("__RequestVerificationToken", token)]),
        };
        post.Headers.Add("X-Forwarded-Proto", "https");
        post.Headers.Add("Cookie", antiforgery.Split(';')[0]);
        using var response = await http.SendAsync(post, TestContext.Current.CancellationToken);

        Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("secure", AuthCookie(response), StringComparison.OrdinalIgnoreCase);
    }

    private static string AuthCookie(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ops.auth=", StringComparison.Ordinal));
}

internal static class UriExtensions
{
    public static string? PathAndQueryOrOriginal(this Uri? uri) => uri is null ? null : uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString;
}
