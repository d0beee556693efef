namespace Distribution.Aspire.Gateway.Partners;

/// <summary>
/// What the hot path needs to know about a partner, as cached by <see cref="PartnerDirectory"/>. The webhook
/// secret is held decrypted in memory only; the database keeps it encrypted.
/// </summary>
public sealed class Partner
{
    public required string PartnerId { get; init; }

    public required string Kind { get; init; }

    public required string Channel { get; init; }

    public required bool Suspended { get; init; }

    public required PartnerScopes Scopes { get; init; }

    /// <summary>The scopes as the comma-separated value of <c>X-Partner-Scopes</c>, built once.</summary>
    public required string ScopesHeader { get; init; }

    public required RatePolicy RateLimit { get; init; }

    public string? ShopDomain { get; init; }

    public byte[]? WebhookSecret { get; init; }

    /// <summary>
    /// A secret is stored but this replica cannot decrypt it (no <c>Gateway:SecretsKey</c>, or another one than it was
    /// stored under). <see cref="WebhookSecret"/> is then null too, which must not be read as "no secret, no signature
    /// needed": every signature check fails closed.
    /// </summary>
    public bool WebhookSecretUnreadable { get; init; }

    /// <summary>Active keys only (at most two): public key id and SHA-256 of the whole key.</summary>
    public required IReadOnlyList<(string KeyId, byte[] Hash)> Keys { get; init; }

    public byte[]? FindKeyHash(ReadOnlySpan<char> keyId)
    {
        foreach (var (id, hash) in Keys)
        {
            if (keyId.SequenceEqual(id))
            {
                return hash;
            }
        }

        return null;
    }
}

/// <summary>A partner's token bucket (sustained rate and burst) and optional requests-per-UTC-day quota.</summary>
public sealed record RatePolicy(int PerSecond, int Burst, int? DailyQuota);
