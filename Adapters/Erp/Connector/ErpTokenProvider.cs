using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Erp.Connector;

/// <summary>
/// Access tokens for the ERP by the OAuth 2.0 client-credentials grant (as Entra ID issues them for Business
/// Central), cached until shortly before they expire. Neither the secret nor a token is ever logged.
/// </summary>
public sealed class ErpTokenProvider(IHttpClientFactory clients, IOptions<ErpOptions> options, TimeProvider time) : IDisposable
{
    public const string ClientName = "erp-token";

    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(60);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset Expires)? _current;

    public bool Enabled => options.Value.ClientSecret.Length > 0;

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } cached && cached.Expires > time.GetUtcNow())
        {
            return cached.Token;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } fresh && fresh.Expires > time.GetUtcNow())
            {
                return fresh.Token;
            }

            var settings = options.Value;
            var form = new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = settings.ClientId,
                ["client_secret"] = settings.ClientSecret,
            };
            if (settings.Scope is { Length: > 0 } scope)
            {
                form["scope"] = scope;
            }

            using var content = new FormUrlEncodedContent(form);
            using var response = await clients.CreateClient(ClientName).PostAsync(settings.TokenUrl, content, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new ErpUnavailableException($"The ERP's token endpoint answered HTTP {(int)response.StatusCode}.", mayHavePosted: false) { Category = "unauthorized" };
            }

            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
                ?? throw new ErpUnavailableException("The ERP's token endpoint answered without a token.", mayHavePosted: false) { Category = "unauthorized" };
            var lifetime = TimeSpan.FromSeconds(Math.Max(token.ExpiresIn, 1));
            _current = (token.AccessToken, time.GetUtcNow() + (lifetime > Margin * 2 ? lifetime - Margin : lifetime / 2));
            return token.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets a token the ERP refused, so the next call gets a new one.</summary>
    public void Invalidate(string token)
    {
        if (_current is { } cached && cached.Token == token)
        {
            _current = null;
        }
    }

    public void Dispose() => _gate.Dispose();

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
