using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.Gateway.Partners;

public enum StoreResult
{
    Done,
    NotFound,
    PartnerExists,
    ShopDomainTaken,
    KeyLimitReached,
}

/// <summary>The partner registry in gatewaydb, in plain SQL.</summary>
public sealed class PartnerStore(NpgsqlDataSource dataSource, SecretProtector secrets, ILogger<PartnerStore> logger)
{
    public const int MaxActiveKeys = 2;

    private const string SnapshotSelect = """
        SELECT p.partner_id, p.kind, p.channel, p.status, p.scopes, p.rate_per_second, p.burst, p.daily_quota, p.shop_domain,
               p.webhook_secret_cipher,
               COALESCE(array_agg(k.key_id) FILTER (WHERE k.key_id IS NOT NULL), '{}'),
               COALESCE(array_agg(k.key_hash) FILTER (WHERE k.key_id IS NOT NULL), '{}')
        FROM partners p
        LEFT JOIN partner_keys k ON k.partner_id = p.partner_id AND k.revoked_at IS NULL
        """;

    public Task<Partner?> LoadByKeyIdAsync(string keyId, CancellationToken cancellationToken) =>
        LoadAsync("p.partner_id = (SELECT partner_id FROM partner_keys WHERE key_id = @value AND revoked_at IS NULL)", keyId, cancellationToken);

    public Task<Partner?> LoadByShopDomainAsync(string shopDomain, CancellationToken cancellationToken) =>
        LoadAsync("p.shop_domain = @value", shopDomain, cancellationToken);

    private async Task<Partner?> LoadAsync(string condition, string value, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"{SnapshotSelect} WHERE {condition} GROUP BY p.partner_id");
        command.Parameters.AddWithValue("value", value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var partnerId = reader.GetString(0);
        var scopes = PartnerScopeNames.Parse(reader.GetFieldValue<string[]>(4));
        var keyIds = reader.GetFieldValue<string[]>(10);
        var keyHashes = reader.GetFieldValue<byte[][]>(11);
        var cipher = reader.IsDBNull(9) ? null : reader.GetFieldValue<byte[]>(9);
        var secret = cipher is null ? null : secrets.Unprotect(partnerId, cipher);
        if (cipher is not null && secret is null)
        {
            // Once per load (the cache keeps a partner for seconds), so an operator sees it without a flood.
            logger.LogWarning(
                "The webhook secret of partner {PartnerId} cannot be decrypted ({Reason}); its signed requests are refused until the key is restored or the secret is set again",
                partnerId, secrets.IsConfigured ? "it was stored under another Gateway:SecretsKey" : "Gateway:SecretsKey is not set");
        }

        return new Partner
        {
            PartnerId = partnerId,
            Kind = reader.GetString(1),
            Channel = reader.GetString(2),
            Suspended = reader.GetString(3) == "suspended",
            Scopes = scopes,
            ScopesHeader = string.Join(',', PartnerScopeNames.ToNames(scopes)),
            RateLimit = new RatePolicy(reader.GetInt32(5), reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetInt32(7)),
            ShopDomain = reader.IsDBNull(8) ? null : reader.GetString(8),
            WebhookSecret = secret,
            WebhookSecretUnreadable = cipher is not null && secret is null,
            Keys = [.. keyIds.Zip(keyHashes)],
        };
    }

    public async Task<PartnerView?> GetAsync(string partnerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await GetAsync(connection, null, partnerId, cancellationToken);
    }

    public async Task<IReadOnlyList<PartnerView>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var ids = new List<string>();
        await using (var command = new NpgsqlCommand("SELECT partner_id FROM partners ORDER BY partner_id", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetString(0));
            }
        }

        var partners = new List<PartnerView>(ids.Count);
        foreach (var id in ids)
        {
            if (await GetAsync(connection, null, id, cancellationToken) is { } partner)
            {
                partners.Add(partner);
            }
        }

        return partners;
    }

    public async Task<(StoreResult Result, string? ApiKey, string? KeyId)> CreateAsync(NewPartner partner, CancellationToken cancellationToken)
    {
        var (keyId, apiKey) = ApiKeys.Create();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await using (var insert = new NpgsqlCommand(
                """
                INSERT INTO partners (partner_id, kind, channel, scopes, rate_per_second, burst, daily_quota, shop_domain)
                VALUES (@id, @kind, @channel, @scopes, @rate, @burst, @quota, @shop)
                """, connection, transaction))
            {
                insert.Parameters.AddWithValue("id", partner.PartnerId);
                insert.Parameters.AddWithValue("kind", partner.Kind);
                insert.Parameters.AddWithValue("channel", partner.Channel);
                insert.Parameters.AddWithValue("scopes", partner.Scopes);
                insert.Parameters.AddWithValue("rate", partner.PerSecond);
                insert.Parameters.AddWithValue("burst", partner.Burst);
                insert.Parameters.Add(new NpgsqlParameter<int?>("quota", NpgsqlDbType.Integer) { TypedValue = partner.DailyQuota });
                insert.Parameters.Add(new NpgsqlParameter<string?>("shop", NpgsqlDbType.Text) { TypedValue = partner.ShopDomain });
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await InsertKeyAsync(connection, transaction, partner.PartnerId, keyId, apiKey, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return (StoreResult.Done, apiKey, keyId);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return (ex.ConstraintName == "partners_shop_domain_key" ? StoreResult.ShopDomainTaken : StoreResult.PartnerExists, null, null);
        }
    }

    public async Task<(StoreResult Result, IssuedKey? Key)> AddKeyAsync(string partnerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The row lock serializes concurrent key issues for one partner, so the two-key limit holds. The keys are counted
        // by a statement of their own, after the lock: one that waited for the lock still reads with the snapshot it took
        // before waiting, which misses the key the lock's previous holder just added.
        await using (var lockAndCount = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT 1 FROM partners WHERE partner_id = $1 FOR UPDATE") { Parameters = { new() { Value = partnerId } } },
                new NpgsqlBatchCommand("SELECT count(*) FROM partner_keys WHERE partner_id = $1 AND revoked_at IS NULL") { Parameters = { new() { Value = partnerId } } },
            },
        })
        {
            await using var reader = await lockAndCount.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return (StoreResult.NotFound, null);
            }

            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (reader.GetInt64(0) >= MaxActiveKeys)
            {
                return (StoreResult.KeyLimitReached, null);
            }
        }

        var (keyId, apiKey) = ApiKeys.Create();
        var createdAt = await InsertKeyAsync(connection, transaction, partnerId, keyId, apiKey, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (StoreResult.Done, new IssuedKey(partnerId, keyId, apiKey, createdAt));
    }

    public async Task<StoreResult> RevokeKeyAsync(string partnerId, string keyId, CancellationToken cancellationToken)
    {
        // Revoking a key that is already revoked changes nothing and is not an error (a retried DELETE).
        await using var command = dataSource.CreateCommand(
            """
            WITH revoked AS (
                UPDATE partner_keys SET revoked_at = now() WHERE partner_id = @partner AND key_id = @key AND revoked_at IS NULL RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM revoked) OR EXISTS (SELECT 1 FROM partner_keys WHERE partner_id = @partner AND key_id = @key)
            """);
        command.Parameters.AddWithValue("partner", partnerId);
        command.Parameters.AddWithValue("key", keyId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))! ? StoreResult.Done : StoreResult.NotFound;
    }

    public Task<StoreResult> SetWebhookSecretAsync(string partnerId, string secret, CancellationToken cancellationToken) =>
        UpdateAsync(partnerId, "webhook_secret_cipher = @value", new NpgsqlParameter("value", secrets.Protect(partnerId, secret)), cancellationToken);

    public Task<StoreResult> SetStatusAsync(string partnerId, string status, CancellationToken cancellationToken) =>
        UpdateAsync(partnerId, "status = @value", new NpgsqlParameter("value", status), cancellationToken);

    public async Task<StoreResult> UpdateAsync(string partnerId, PartnerChanges changes, CancellationToken cancellationToken)
    {
        var assignments = new List<string>();
        var parameters = new List<NpgsqlParameter>();
        void Set(string column, NpgsqlParameter parameter)
        {
            assignments.Add($"{column} = @{parameter.ParameterName}");
            parameters.Add(parameter);
        }

        if (changes.Channel is not null)
        {
            Set("channel", new NpgsqlParameter("channel", changes.Channel));
        }

        if (changes.Scopes is not null)
        {
            Set("scopes", new NpgsqlParameter("scopes", changes.Scopes));
        }

        if (changes.PerSecond is int rate && changes.Burst is int burst)
        {
            Set("rate_per_second", new NpgsqlParameter("rate", rate));
            Set("burst", new NpgsqlParameter("burst", burst));
        }

        if (changes.SetDailyQuota)
        {
            Set("daily_quota", new NpgsqlParameter<int?>("quota", NpgsqlDbType.Integer) { TypedValue = changes.DailyQuota });
        }

        if (changes.ShopDomain is not null)
        {
            Set("shop_domain", new NpgsqlParameter("shop", changes.ShopDomain));
        }

        try
        {
            return await UpdateAsync(partnerId, string.Join(", ", assignments), [.. parameters], cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return StoreResult.ShopDomainTaken;
        }
    }

    private async Task<StoreResult> UpdateAsync(string partnerId, string assignments, NpgsqlParameter parameter, CancellationToken cancellationToken) =>
        await UpdateAsync(partnerId, assignments, [parameter], cancellationToken);

    private async Task<StoreResult> UpdateAsync(string partnerId, string assignments, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        var set = assignments.Length == 0 ? "updated_at = now()" : $"{assignments}, updated_at = now()";
        await using var command = dataSource.CreateCommand($"UPDATE partners SET {set} WHERE partner_id = @partner_id");
        command.Parameters.AddWithValue("partner_id", partnerId);
        command.Parameters.AddRange(parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? StoreResult.Done : StoreResult.NotFound;
    }

    private static async Task<DateTimeOffset> InsertKeyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string partnerId, string keyId, string apiKey, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO partner_keys (key_id, partner_id, key_hash) VALUES (@key, @partner, @hash) RETURNING created_at", connection, transaction);
        command.Parameters.AddWithValue("key", keyId);
        command.Parameters.AddWithValue("partner", partnerId);
        command.Parameters.AddWithValue("hash", ApiKeys.Hash(apiKey));
        return new DateTimeOffset((DateTime)(await command.ExecuteScalarAsync(cancellationToken))!, TimeSpan.Zero);
    }

    private static async Task<PartnerView?> GetAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string partnerId, CancellationToken cancellationToken)
    {
        var keys = new List<PartnerKeyView>();
        await using (var command = new NpgsqlCommand(
            "SELECT key_id, created_at, revoked_at FROM partner_keys WHERE partner_id = @id ORDER BY created_at, key_id", connection, transaction))
        {
            command.Parameters.AddWithValue("id", partnerId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                keys.Add(new PartnerKeyView(
                    reader.GetString(0),
                    reader.GetFieldValue<DateTimeOffset>(1),
                    reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2)));
            }
        }

        await using var partner = new NpgsqlCommand(
            """
            SELECT partner_id, kind, channel, status, scopes, rate_per_second, burst, daily_quota, shop_domain,
                   webhook_secret_cipher IS NOT NULL, created_at, updated_at
            FROM partners WHERE partner_id = @id
            """, connection, transaction);
        partner.Parameters.AddWithValue("id", partnerId);
        await using var row = await partner.ExecuteReaderAsync(cancellationToken);
        if (!await row.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new PartnerView(
            row.GetString(0),
            row.GetString(1),
            row.GetString(2),
            row.GetString(3),
            row.GetFieldValue<string[]>(4),
            new RateLimitView(row.GetInt32(5), row.GetInt32(6)),
            row.IsDBNull(7) ? null : row.GetInt32(7),
            row.IsDBNull(8) ? null : row.GetString(8),
            row.GetBoolean(9),
            keys,
            row.GetFieldValue<DateTimeOffset>(10),
            row.GetFieldValue<DateTimeOffset>(11));
    }
}

/// <summary>A validated new partner.</summary>
public sealed record NewPartner(string PartnerId, string Kind, string Channel, string[] Scopes, int PerSecond, int Burst, int? DailyQuota, string? ShopDomain);

/// <summary>Validated changes; null members stay as they are.</summary>
public sealed record PartnerChanges(string? Channel, string[]? Scopes, int? PerSecond, int? Burst, bool SetDailyQuota, int? DailyQuota, string? ShopDomain);
