using System.Text;
using System.Text.Json;
using Distribution.Aspire.Adapters.Amazon.Exceptions;
using Distribution.Aspire.ServiceDefaults.Errors;
using Distribution.Aspire.ServiceDefaults.Partners;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Amazon.Notifications;

public static class NotificationsApi
{
    public const string Path = "/partners/amazon/notifications";

    /// <summary>
    /// <c>POST /partners/amazon/notifications</c>: stores the delivery durably and answers at once (202 new,
    /// 200 replay); the order is fetched and submitted by the background worker. Refusals are problem details
    /// with stable codes, and the refused body is kept in the exceptions list for operators.
    /// </summary>
    public static IEndpointRouteBuilder MapAmazonNotificationsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, ReceiveAsync);
        return endpoints;
    }

    private static async Task<Results<Accepted<NotificationReceipt>, Ok<NotificationReceipt>, ProblemHttpResult>> ReceiveAsync(
        HttpContext context,
        NotificationStore store,
        ExceptionStore exceptions,
        NotificationSignal signal,
        AmazonTelemetry telemetry,
        IOptions<AmazonOptions> options,
        CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("notification.receive", System.Diagnostics.ActivityKind.Server);
        if (!PartnerIdentity.TryGet(context, out var partner))
        {
            telemetry.Notification("unauthorized");
            return Problem(StatusCodes.Status401Unauthorized, ProblemCodes.Unauthorized, "Partner not identified", "The request did not come through the gateway.");
        }

        var limit = options.Value.MaxNotificationBytes;
        var (body, truncated) = await ReadBoundedAsync(context.Request.Body, limit, cancellationToken);
        if (truncated)
        {
            await exceptions.RecordAsync(AmazonProblemCodes.PayloadTooLarge, "notification", partner.PartnerId,
                $"Body larger than {limit} bytes; the first {ExceptionStore.MaxPayloadChars} characters are kept.", Encoding.UTF8.GetString(body), cancellationToken);
            return Rejected(telemetry, StatusCodes.Status413PayloadTooLarge, AmazonProblemCodes.PayloadTooLarge, "Notification too large",
                $"A notification may be at most {limit} bytes.");
        }

        var text = Encoding.UTF8.GetString(body);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            await exceptions.RecordAsync(AmazonProblemCodes.MalformedJson, "notification", partner.PartnerId, ex.Message, text, cancellationToken);
            return Rejected(telemetry, StatusCodes.Status400BadRequest, AmazonProblemCodes.MalformedJson, "Malformed JSON", "The body is not valid JSON.");
        }

        using (document)
        {
            var read = OrderChangeNotification.Read(document.RootElement);
            if (read.Notification is not { } notification)
            {
                await exceptions.RecordAsync(read.Code!, "notification", partner.PartnerId, read.Error!, text, cancellationToken);
                return Rejected(telemetry, StatusCodes.Status422UnprocessableEntity, read.Code!, "Notification not accepted", read.Error!);
            }

            activity?.SetTag("amazon.notification_id", notification.NotificationId);
            bool stored;
            try
            {
                stored = await store.InsertAsync(notification.NotificationId, partner.PartnerId, notification.AmazonOrderId, "notification", text, cancellationToken);
            }
            catch (Npgsql.PostgresException ex) when (ex.SqlState is Npgsql.PostgresErrorCodes.UntranslatableCharacter or Npgsql.PostgresErrorCodes.CharacterNotInRepertoire
                or Npgsql.PostgresErrorCodes.InvalidTextRepresentation)
            {
                // Valid JSON that PostgreSQL's jsonb refuses (a \u0000 escape): refused like any other bad payload.
                await exceptions.RecordAsync(AmazonProblemCodes.InvalidNotification, "notification", partner.PartnerId, ex.MessageText, text, cancellationToken);
                return Rejected(telemetry, StatusCodes.Status422UnprocessableEntity, AmazonProblemCodes.InvalidNotification, "Notification not accepted",
                    "The notification contains characters that cannot be stored.");
            }

            var receipt = new NotificationReceipt(notification.NotificationId, stored ? "accepted" : "duplicate");
            telemetry.Notification(receipt.Status);
            if (!stored)
            {
                return TypedResults.Ok(receipt);
            }

            signal.Notify();
            return TypedResults.Accepted((string?)null, receipt);
        }
    }

    private static async Task<(byte[] Body, bool Truncated)> ReadBoundedAsync(Stream stream, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                // Keep a prefix for the operators; the rest is not read at all.
                buffer.Write(chunk, 0, (int)Math.Min(read, Math.Max(0, ExceptionStore.MaxPayloadChars - buffer.Length)));
                return (buffer.ToArray()[..(int)Math.Min(buffer.Length, ExceptionStore.MaxPayloadChars)], true);
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), false);
    }

    private static ProblemHttpResult Rejected(AmazonTelemetry telemetry, int status, string code, string title, string detail)
    {
        telemetry.Notification(code);
        return Problem(status, code, title, detail);
    }

    private static ProblemHttpResult Problem(int status, string code, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: new Dictionary<string, object?> { [ProblemCodes.ExtensionName] = code });
}

public sealed record NotificationReceipt(string NotificationId, string Status);
