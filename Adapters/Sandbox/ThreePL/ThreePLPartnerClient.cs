using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Sandbox.ThreePL;

/// <summary>
/// Posts the 3PL's documents to the gateway as a real 3PL would: X-Api-Key, and X-Signature when a signing
/// secret is configured. With the duplicates fault every post is sent twice.
/// </summary>
public sealed class ThreePLPartnerClient(HttpClient http, ThreePLSandboxState state, IOptions<ThreePLSandboxOptions> options, ILogger<ThreePLPartnerClient> logger)
{
    public Task<bool> PostEdiAsync(string kind, string reference, string body, CancellationToken cancellationToken) =>
        PostAsync("/partners/3pl/edi", "application/edi-x12", kind, reference, body, cancellationToken);

    public Task<bool> PostEventAsync(string kind, string reference, string body, CancellationToken cancellationToken) =>
        PostAsync("/partners/3pl/events", "application/json", kind, reference, body, cancellationToken);

    private async Task<bool> PostAsync(string path, string contentType, string kind, string reference, string body, CancellationToken cancellationToken)
    {
        var times = state.Faults.Duplicates ? 2 : 1;
        var ok = false;
        for (var i = 0; i < times; i++)
        {
            ok = await PostOnceAsync(path, contentType, kind, reference, body, cancellationToken) || ok;
        }

        return ok;
    }

    private async Task<bool> PostOnceAsync(string path, string contentType, string kind, string reference, string body, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.GatewayUrl.TrimEnd('/') + path)
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
        };
        if (settings.ApiKey.Length > 0)
        {
            request.Headers.Add("X-Api-Key", settings.ApiKey);
        }

        if (settings.SigningSecret.Length > 0)
        {
            var timestamp = state.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(settings.SigningSecret), Encoding.UTF8.GetBytes(timestamp + "." + body));
            request.Headers.Add("X-Signature", $"t={timestamp},v1={Convert.ToHexStringLower(mac)}");
        }

        foreach (var (name, value) in settings.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            state.Sent.Enqueue(new SentDocument(state.Time.GetUtcNow(), kind, reference, (int)response.StatusCode));
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Sandbox 3PL: posting {Kind} for {Reference} got HTTP {Status}.", kind, reference, (int)response.StatusCode);
            }

            // A 4xx will not get better by posting again; only an outage is retried.
            return (int)response.StatusCode < 500;
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("Sandbox 3PL: posting {Kind} for {Reference} failed: {Error}", kind, reference, ex.Message);
            state.Sent.Enqueue(new SentDocument(state.Time.GetUtcNow(), kind, reference, 0));
            return false;
        }
    }
}
