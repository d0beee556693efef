using System.Security.Cryptography;
using System.Text;
using Distribution.Aspire.Gateway.Partners;
using Distribution.Aspire.ServiceDefaults.Redis;
using Distribution.Aspire.ServiceDefaults.Security;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distribution.Aspire.Gateway.Authentication;

/// <summary>Identifies the caller of a partner route by the route group's scheme.</summary>
public sealed class PartnerAuthenticator(
    PartnerDirectory directory, IConnectionMultiplexer redis, TimeProvider time, IOptions<GatewayOptions> options, ILogger<PartnerAuthenticator> logger)
{
    public static readonly TimeSpan SignatureWindow = TimeSpan.FromMinutes(5);

    // Deletes the record only if it is still this request's, atomically.
    private const string ReleaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    private readonly byte[]? _adminKeyHash = options.Value.AdminKey is { Length: > 0 } key ? SHA256.HashData(Encoding.UTF8.GetBytes(key)) : null;

    public async ValueTask<AuthResult> ApiKeyAsync(HttpContext context)
    {
        var presented = context.Request.Headers[ApiKeys.HeaderName].ToString();
        if (presented.Length == 0)
        {
            return AuthResult.Unauthorized($"Send your API key in {ApiKeys.HeaderName}.");
        }

        if (!ApiKeys.TryGetKeyId(presented, out var keyId))
        {
            return AuthResult.Unauthorized("The API key is not valid.");
        }

        var partner = await directory.FindByKeyIdAsync(keyId);
        return partner is not null && ApiKeys.TryGetKeyId(presented, out var id) && partner.FindKeyHash(id) is { } hash && ApiKeys.Matches(presented, hash)
            ? AuthResult.Success(partner)
            : AuthResult.Unauthorized("The API key is not valid.");
    }

    /// <summary>Shopify webhooks: the shop names the partner, the HMAC over the raw body proves it.</summary>
    public async ValueTask<AuthResult> ShopifyAsync(HttpContext context, byte[] body)
    {
        var shop = context.Request.Headers[RequestSignatures.ShopifyShopHeader].ToString();
        var signature = context.Request.Headers[RequestSignatures.ShopifyHmacHeader].ToString();
        if (shop.Length == 0 || signature.Length == 0)
        {
            return AuthResult.Unauthorized($"Shopify webhooks need {RequestSignatures.ShopifyShopHeader} and {RequestSignatures.ShopifyHmacHeader}.");
        }

        // A secret this replica cannot decrypt is null here, so the webhook is refused like any mismatch (and the
        // caller, who has proved nothing yet, does not learn that the shop exists).
        var partner = shop.Length <= 255 ? await directory.FindByShopDomainAsync(shop.Trim().ToLowerInvariant()) : null;
        return partner?.WebhookSecret is { } secret && RequestSignatures.VerifyShopify(secret, body, signature)
            ? AuthResult.Success(partner)
            : AuthResult.Unauthorized("The webhook signature is not valid.");
    }

    /// <summary>
    /// 3PLs: an API key always; and once the partner has a webhook secret, an <c>X-Signature</c> over timestamp and
    /// body too, each signature accepted once.
    /// </summary>
    public async ValueTask<AuthResult> SignedAsync(HttpContext context, byte[] body)
    {
        var byKey = await ApiKeyAsync(context);
        if (!byKey.Succeeded)
        {
            return byKey;
        }

        if (byKey.Partner!.WebhookSecretUnreadable)
        {
            // The partner proved itself with its key, so it may learn that the fault is ours: a 503 it can retry, not a
            // 401 that would send it rotating credentials that are fine.
            return AuthResult.Failed(StatusCodes.Status503ServiceUnavailable, GatewayProblems.WebhookSecretUnreadable, "Request signature cannot be checked",
                "The gateway cannot read your webhook secret, so it cannot verify signed requests; the distributor's operators are warned. Try again later.");
        }

        if (byKey.Partner.WebhookSecret is not { } secret)
        {
            return byKey;
        }

        var header = context.Request.Headers[RequestSignatures.SignatureHeader].ToString();
        switch (RequestSignatures.VerifySigned(secret, body, header, time.GetUtcNow(), SignatureWindow, out var replayId))
        {
            case SignatureCheck.Stale:
                return AuthResult.Unauthorized("The request signature's timestamp is outside the accepted 5-minute window.");
            case SignatureCheck.Invalid:
                return AuthResult.Unauthorized($"Sign the request in {RequestSignatures.SignatureHeader} (t=<unix seconds>,v1=<hex HMAC-SHA256 of t.body>).");
        }

        var (first, claim) = await FirstUseAsync(byKey.Partner.PartnerId, replayId);
        return first
            ? byKey with { Claim = claim }
            : AuthResult.Unauthorized("This signed request was already received.");
    }

    /// <summary>
    /// Gives back a signature whose request the gateway refused after checking it (scope, suspension, rate limit,
    /// quota) or could not deliver, so the partner can resend the same signed bytes. A signature whose request reached
    /// the destination is never given back.
    /// </summary>
    public async Task ReleaseAsync(SignatureClaim claim)
    {
        try
        {
            await redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, [claim.Key], [claim.Token]);
        }
        catch (Exception ex)
        {
            // Any failure, a cancelled command of a reconnecting multiplexer too: the refusal still goes out.
            logger.LogWarning("Cannot give back the signature of a request that was not delivered ({Reason}); resending it unchanged is refused as a replay", ex.Message);
        }
    }

    /// <summary>The operators' key, for the admin routes the gateway passes through to services.</summary>
    public bool IsAdmin(HttpContext context)
    {
        var presented = context.Request.Headers[AdminKeyFilter.HeaderName].ToString();
        if (_adminKeyHash is null || presented.Length == 0)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _adminKeyHash);
    }

    /// <summary>
    /// Remembers each signature for twice the window; a second arrival is a replay. Keyed by what the signature
    /// proves (timestamp value and MAC bytes), not by the header's text, which a replayer can respell at will.
    /// </summary>
    private async Task<(bool First, SignatureClaim? Claim)> FirstUseAsync(string partnerId, string replayId)
    {
        // Recorded before the rate limit and forwarding, so that of concurrent copies only one can go on; the
        // middleware gives the record back if that one is not delivered.
        var claim = new SignatureClaim($"gateway:{{{partnerId}}}:signature:{replayId}", Guid.NewGuid().ToString("N"));
        try
        {
            return await redis.GetDatabase().StringSetAsync(claim.Key, claim.Token, 2 * SignatureWindow, When.NotExists) ? (true, claim) : (false, null);
        }
        catch (Exception ex) when (RedisDefaults.IsUnavailable(ex))
        {
            // The timestamp window still bounds replays while Redis is down, or while a reconnect cancels commands.
            logger.LogWarning("Cannot check signature replays ({Reason}); relying on the timestamp window", ex.Message);
            return (true, null);
        }
    }
}
