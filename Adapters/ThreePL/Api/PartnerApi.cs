using System.Text;
using Distribution.Aspire.Adapters.ThreePL.Events;
using Distribution.Aspire.Adapters.ThreePL.Inbound;
using Distribution.Aspire.Adapters.ThreePL.Storage;
using Distribution.Aspire.ServiceDefaults.Errors;
using Distribution.Aspire.ServiceDefaults.Partners;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.ThreePL.Api;

/// <summary>
/// The 3PL's side of the gateway (<c>/partners/3pl/...</c>), for the partner the gateway stamped in X-Partner-Id.
/// <c>POST /edi</c> takes an X12 interchange (any number of them) and answers 200 with the TA1/997 interchange(s)
/// as application/edi-x12 (202 with no body when nothing needed acknowledging, e.g. only 997s were sent); the
/// answer to a duplicate is the answer given the first time. <c>POST /events</c> takes one JSON event and answers
/// 202 (accepted), 200 (duplicate) or a problem with a stable code.
/// </summary>
public static class PartnerApi
{
    public const string EdiContentType = "application/edi-x12";

    public static WebApplication MapThreePLPartnerApi(this WebApplication app)
    {
        var group = app.MapGroup("/partners/3pl");
        group.MapPost("/edi", ReceiveEdiAsync);
        group.MapPost("/events", ReceiveEventAsync);
        return app;
    }

    private static async Task<IResult> ReceiveEdiAsync(
        HttpContext http, EdiIntake intake, InboundDocuments documents, QuarantineStore quarantine, IOptions<ThreePLOptions> options, CancellationToken cancellationToken)
    {
        var (partner, body, refusal) = await ReadAsync(http, options.Value, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (body!.Contains('\0', StringComparison.Ordinal))
        {
            return await RefuseNulAsync(http, documents, quarantine, partner!, "x12", body, cancellationToken);
        }

        var outcome = await intake.ReceiveAsync(partner!, body!, cancellationToken);
        http.Response.Headers["X-Document-Id"] = outcome.DocumentId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return outcome.Status switch
        {
            EdiIntakeStatus.Unreadable when outcome.ReasonCode == ThreePLReasons.UnknownPartner => Problem(StatusCodes.Status403Forbidden, "Not a 3PL partner here", outcome.Detail!, outcome.ReasonCode),
            EdiIntakeStatus.Unreadable => Problem(StatusCodes.Status400BadRequest, "Not an X12 interchange", outcome.Detail!, outcome.ReasonCode!),
            _ when outcome.Response.Length == 0 => TypedResults.Accepted((string?)null),
            _ => TypedResults.Text(outcome.Response, EdiContentType, Encoding.UTF8, StatusCodes.Status200OK),
        };
    }

    private static async Task<IResult> ReceiveEventAsync(
        HttpContext http, JsonEventIntake intake, InboundDocuments documents, QuarantineStore quarantine, IOptions<ThreePLOptions> options, CancellationToken cancellationToken)
    {
        var (partner, body, refusal) = await ReadAsync(http, options.Value, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (body!.Contains('\0', StringComparison.Ordinal))
        {
            return await RefuseNulAsync(http, documents, quarantine, partner!, "json", body, cancellationToken);
        }

        var outcome = await intake.ReceiveAsync(partner!, body!, cancellationToken);
        return outcome.Status switch
        {
            JsonIntakeStatus.Accepted => TypedResults.Accepted((string?)null, new EventReceipt(outcome.EventId!, "accepted")),
            JsonIntakeStatus.Duplicate => TypedResults.Ok(new EventReceipt(outcome.EventId!, "duplicate")),
            _ => Problem(
                outcome.ReasonCode switch
                {
                    ThreePLReasons.MalformedEvent => StatusCodes.Status400BadRequest,
                    ThreePLReasons.UnknownPartner => StatusCodes.Status403Forbidden,
                    _ => StatusCodes.Status422UnprocessableEntity,
                },
                "Event refused", outcome.Detail ?? "The event was refused.", outcome.ReasonCode ?? ProblemCodes.ValidationFailed),
        };
    }

    /// <summary>
    /// A NUL character cannot go into the text column every body is stored in first; refused as bad input (400
    /// nul_character), with the body kept for operators instead of a 500 that keeps nothing.
    /// </summary>
    private static async Task<IResult> RefuseNulAsync(
        HttpContext http, InboundDocuments documents, QuarantineStore quarantine, string partnerId, string format, string body, CancellationToken cancellationToken)
    {
        var documentId = await documents.RefuseUnstorableAsync(partnerId, format, body, quarantine, cancellationToken);
        http.Response.Headers["X-Document-Id"] = documentId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problem(StatusCodes.Status400BadRequest, "Body not accepted", "The body contains a NUL character, which neither X12 nor JSON text allows.", ThreePLReasons.NulCharacter);
    }

    /// <summary>The partner and body, or the refusal: no partner identity (401), no 3PL profile (403), empty (400), too large (413).</summary>
    private static async Task<(string? Partner, string? Body, IResult? Refusal)> ReadAsync(HttpContext http, ThreePLOptions options, CancellationToken cancellationToken)
    {
        if (!PartnerIdentity.TryGet(http, out var identity))
        {
            return (null, null, Problem(StatusCodes.Status401Unauthorized, "Partner not identified", $"Call through the gateway; it sets {PartnerHeaders.PartnerId}.", ProblemCodes.Unauthorized));
        }

        if (options.Find(identity.PartnerId) is null)
        {
            return (null, null, Problem(StatusCodes.Status403Forbidden, "Not a 3PL partner here", $"Partner '{identity.PartnerId}' has no 3PL profile in this adapter.", ThreePLReasons.UnknownPartner));
        }

        if (http.Request.ContentLength > options.MaxBodyBytes)
        {
            return (null, null, Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", $"At most {options.MaxBodyBytes} bytes.", ProblemCodes.PayloadTooLarge));
        }

        // Read up to the limit only; a chunked body gives no length up front.
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > options.MaxBodyBytes)
            {
                return (null, null, Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", $"At most {options.MaxBodyBytes} bytes.", ProblemCodes.PayloadTooLarge));
            }

            buffer.Write(chunk, 0, read);
        }

        // UTF-8 (ASCII is a subset); a byte-order mark stays in the text and the X12 tokenizer skips it.
        var body = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        if (string.IsNullOrWhiteSpace(body.Trim('\uFEFF')))
        {
            return (null, null, Problem(StatusCodes.Status400BadRequest, "Empty body", "The request has no content.", ThreePLReasons.EmptyBody));
        }

        return (identity.PartnerId, body, null);
    }

    private static ProblemHttpResult Problem(int status, string title, string detail, string code) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: new Dictionary<string, object?> { [ProblemCodes.ExtensionName] = code });
}

public sealed record EventReceipt(string EventId, string Status);
