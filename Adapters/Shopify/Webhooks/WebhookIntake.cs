using System.Globalization;
using System.Text.Json;
using Distribution.Aspire.Adapters.Shopify.Exceptions;
using Distribution.Aspire.ServiceDefaults.Errors;
using Distribution.Aspire.ServiceDefaults.Partners;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.Adapters.Shopify.Webhooks;

/// <summary>
/// Takes a webhook delivery: checks only what makes it storable (partner, headers, size, JSON syntax), stores the
/// raw bytes with one insert and answers; everything else happens in <see cref="WebhookProcessor"/>, so Shopify
/// gets its 200 well inside its 5 s deadline. A refused request is answered with problem details and kept on the
/// exceptions list for operators.
/// </summary>
public sealed class WebhookIntake(
    NpgsqlDataSource database,
    ExceptionStore exceptions,
    WebhookSignal signal,
    ShopifyTelemetry telemetry,
    IOptions<ShopifyOptions> options,
    ILogger<WebhookIntake> logger)
{
    private const int MaxIdLength = 200;

    public async Task<Results<Ok<WebhookAck>, ProblemHttpResult>> ReceiveAsync(HttpContext context, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("webhook.receive");
        var request = context.Request;
        var topic = Header(request, WebhookHeaders.Topic);
        var shop = Header(request, WebhookHeaders.ShopDomain);
        var deliveryId = Header(request, WebhookHeaders.EventId) ?? Header(request, WebhookHeaders.WebhookId);
        activity?.SetTag("shopify.topic", topic);
        activity?.SetTag("shopify.delivery_id", deliveryId);

        var max = options.Value.MaxWebhookBytes;
        var (body, total) = await ReadBodyAsync(request, max, cancellationToken);
        var hasPartner = PartnerIdentity.TryGet(context, out var partner);
        var rejection = new Rejection(deliveryId, shop, hasPartner ? partner.PartnerId : null, topic, body, total);

        if (!hasPartner)
        {
            return await RefuseAsync(rejection, StatusCodes.Status401Unauthorized, ShopifyCodes.PartnerMissing,
                $"No partner identity ({PartnerHeaders.PartnerId}): webhooks are accepted only through the gateway.", cancellationToken);
        }

        if (topic is null)
        {
            return await RefuseAsync(rejection, StatusCodes.Status400BadRequest, ShopifyCodes.MissingTopic, $"{WebhookHeaders.Topic} is required.", cancellationToken);
        }

        if (!WebhookTopics.All.Contains(topic))
        {
            return await RefuseAsync(rejection, StatusCodes.Status400BadRequest, ShopifyCodes.UnknownTopic,
                $"Topic \"{Shorten(topic)}\" is not one this adapter handles ({string.Join(", ", WebhookTopics.All)}).", cancellationToken);
        }

        if (deliveryId is null || deliveryId.Length > MaxIdLength)
        {
            return await RefuseAsync(rejection, StatusCodes.Status400BadRequest, ShopifyCodes.MissingDeliveryId,
                $"{WebhookHeaders.EventId} or {WebhookHeaders.WebhookId} is required (at most {MaxIdLength} characters).", cancellationToken);
        }

        if (shop is null)
        {
            return await RefuseAsync(rejection, StatusCodes.Status400BadRequest, ShopifyCodes.MissingShopDomain, $"{WebhookHeaders.ShopDomain} is required.", cancellationToken);
        }

        if (total > max)
        {
            return await RefuseAsync(rejection, StatusCodes.Status413PayloadTooLarge, ShopifyCodes.PayloadTooLarge,
                $"The body is larger than {max} bytes.", cancellationToken);
        }

        if (JsonProblem(body) is { } problem)
        {
            return await RefuseAsync(rejection, StatusCodes.Status400BadRequest, ShopifyCodes.MalformedJson, problem, cancellationToken);
        }

        var stored = await StoreAsync(deliveryId, shop, partner.PartnerId, topic, request, body, cancellationToken);
        if (stored)
        {
            signal.Notify();
        }

        var status = stored ? "accepted" : "duplicate";
        ShopifyTelemetry.Count(telemetry.Received, "topic", topic, "outcome", status);
        return TypedResults.Ok(new WebhookAck(deliveryId, status));
    }

    private async Task<bool> StoreAsync(string deliveryId, string shop, string partnerId, string topic, HttpRequest request, byte[] body, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            INSERT INTO webhook_deliveries (delivery_id, webhook_id, shop_domain, partner_id, topic, api_version, triggered_at, body)
            VALUES (@delivery, @webhook, @shop, @partner, @topic, @version, @triggered, @body)
            ON CONFLICT (delivery_id) DO NOTHING
            """);
        command.Parameters.AddWithValue("delivery", deliveryId);
        command.Parameters.AddWithValue("webhook", NpgsqlDbType.Text, (object?)Header(request, WebhookHeaders.WebhookId) ?? DBNull.Value);
        command.Parameters.AddWithValue("shop", Shorten(shop));
        command.Parameters.AddWithValue("partner", partnerId);
        command.Parameters.AddWithValue("topic", topic);
        command.Parameters.AddWithValue("version", NpgsqlDbType.Text, Header(request, WebhookHeaders.ApiVersion) is { } version ? Shorten(version) : DBNull.Value);
        command.Parameters.AddWithValue("triggered", NpgsqlDbType.TimestampTz,
            DateTimeOffset.TryParse(Header(request, WebhookHeaders.TriggeredAt), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                ? at.ToUniversalTime() : DBNull.Value);
        command.Parameters.AddWithValue("body", body);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task<ProblemHttpResult> RefuseAsync(Rejection rejection, int status, string code, string detail, CancellationToken cancellationToken)
    {
        ShopifyTelemetry.Count(telemetry.Received, "topic", KnownTopicOrOther(rejection.Topic), "outcome", code);
        logger.LogWarning("Refused Shopify webhook {DeliveryId} (topic {Topic}): {Code}", rejection.DeliveryId, rejection.Topic, code);
        await exceptions.RecordAsync(
            new NewException(ExceptionStage.Intake, code, detail, rejection.DeliveryId is { Length: <= MaxIdLength } id ? id : null, null,
                rejection.Shop is null ? null : Shorten(rejection.Shop), rejection.PartnerId,
                rejection.Topic is null ? null : Shorten(rejection.Topic), null, rejection.Body, rejection.TotalBytes),
            cancellationToken);
        return TypedResults.Problem(
            statusCode: status,
            title: "Webhook refused",
            detail: detail,
            extensions: new Dictionary<string, object?> { [ProblemCodes.ExtensionName] = code });
    }

    /// <summary>
    /// Reads at most <paramref name="max"/> + 1 bytes: enough to know the body is too large without taking it in.
    /// The size reported is Content-Length when the client sent one.
    /// </summary>
    private static async Task<(byte[] Body, long Total)> ReadBodyAsync(HttpRequest request, int max, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while (buffer.Length <= max && (read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), Math.Max(request.ContentLength ?? 0, buffer.Length));
    }

    private static string? JsonProblem(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            return document.RootElement.ValueKind == JsonValueKind.Object ? null : "The body must be a JSON object.";
        }
        catch (JsonException ex)
        {
            return $"The body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).";
        }
    }

    private static string? Header(HttpRequest request, string name) =>
        request.Headers[name].ToString() is { Length: > 0 } value ? value.Trim() : null;

    private static string KnownTopicOrOther(string? topic) => topic is not null && WebhookTopics.All.Contains(topic) ? topic : "other";

    private static string Shorten(string text) => text.Length <= MaxIdLength ? text : text[..MaxIdLength];

    private sealed record Rejection(string? DeliveryId, string? Shop, string? PartnerId, string? Topic, byte[] Body, long TotalBytes);
}
