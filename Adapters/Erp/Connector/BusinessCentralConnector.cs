using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Distribution.Aspire.Adapters.Erp.Connector;

/// <summary>
/// The ERP over HTTP in the shape of Dynamics 365 Business Central's API v2.0. A journal entry is one
/// deep insert into <c>companies({id})/journals({id})/journalEntries</c> (header and lines in one request, so it is
/// posted whole or not at all); shipments and returns go to <c>salesShipments</c> and <c>salesReturnReceipts</c>.
/// Each carries its <c>externalDocumentNumber</c>, which <see cref="FindAsync"/> filters on. 201 is posted, 409 is
/// "already there" (the ERP's id from the error, else from a lookup), 400/422 are refusals with the ERP's reason;
/// everything else passes (<see cref="ErpUnavailableException"/>).
/// </summary>
public sealed class BusinessCentralConnector(IHttpClientFactory clients, IOptions<ErpOptions> options, ErpTelemetry telemetry) : IErpConnector
{
    public const string ClientName = "erp";

    /// <summary>Lengths of BC's fields: longer text is cut (descriptions) so a long name never fails a posting.</summary>
    private const int MaxDescription = 100;
    private const int MaxComment = 250;
    private const int MaxShortCode = 10;
    private const int MaxTrackingNumber = 30;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<ErpPostResult> PostAsync(ErpDocument document, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, CollectionPath(document.Kind))
        {
            Content = new StringContent(JsonSerializer.Serialize(Body(document), Json), Encoding.UTF8, "application/json"),
        };
        using var response = await SendAsync(request, "post." + document.Kind, cancellationToken);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return new ErpPostResult.Posted(ReadReference(text) ?? throw new ErpUnavailableException("The ERP took the document but answered without its id.", mayHavePosted: true));
        }

        var (code, message, existing) = ReadError(text);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            // The ERP already holds this external document number: a retry of something that reached it.
            existing ??= await FindAsync(document.Kind, document.ExternalDocumentNumber, cancellationToken);
            return existing is not null
                ? new ErpPostResult.AlreadyPosted(existing)
                : throw new ErpUnavailableException($"The ERP answered 409 ({code}) but holds no document {document.ExternalDocumentNumber}.", mayHavePosted: true) { Category = "conflict" };
        }

        if (status is 400 or 422)
        {
            return new ErpPostResult.Rejected(status, code ?? $"http_{status}", message ?? response.ReasonPhrase ?? "Refused by the ERP.");
        }

        throw Unavailable(response, code, message);
    }

    public async Task<ErpDocumentRef?> FindAsync(string kind, string externalDocumentNumber, CancellationToken cancellationToken)
    {
        var filter = Uri.EscapeDataString($"externalDocumentNumber eq '{externalDocumentNumber.Replace("'", "''", StringComparison.Ordinal)}'");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{CollectionPath(kind)}?$filter={filter}&$select=id,number,externalDocumentNumber");
        using var response = await SendAsync(request, "find." + kind, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var (code, message, _) = ReadError(text);
            throw Unavailable(response, code, message);
        }

        using var json = JsonDocument.Parse(text);
        foreach (var found in json.RootElement.GetProperty("value").EnumerateArray())
        {
            if (string.Equals(found.GetProperty("externalDocumentNumber").GetString(), externalDocumentNumber, StringComparison.OrdinalIgnoreCase))
            {
                return new ErpDocumentRef(found.GetProperty("id").ToString(), found.TryGetProperty("number", out var number) ? number.GetString() : null);
            }
        }

        return null;
    }

    public async IAsyncEnumerable<IReadOnlyList<ErpItem>> ReadItemsAsync(DateTimeOffset? modifiedSince, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = $"companies({options.Value.CompanyId})/items";
        if (modifiedSince is { } since)
        {
            next += "?$filter=" + Uri.EscapeDataString($"lastModifiedDateTime ge {since.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture)}");
        }

        while (next is not null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, next);
            request.Headers.Add("Prefer", $"odata.maxpagesize={options.Value.ItemPageSize}");
            using var response = await SendAsync(request, "items.read", cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var (code, message, _) = ReadError(text);
                throw Unavailable(response, code, message);
            }

            using var json = JsonDocument.Parse(text);
            var page = new List<ErpItem>();
            foreach (var item in json.RootElement.GetProperty("value").EnumerateArray())
            {
                page.Add(new ErpItem(
                    item.GetProperty("number").GetString() ?? string.Empty,
                    item.TryGetProperty("displayName", out var name) ? name.GetString() ?? string.Empty : string.Empty,
                    item.TryGetProperty("baseUnitOfMeasureCode", out var unit) ? unit.GetString() : null,
                    item.TryGetProperty("blocked", out var blocked) && blocked.ValueKind == JsonValueKind.True,
                    item.GetProperty("lastModifiedDateTime").GetDateTimeOffset()));
            }

            // Server-driven paging: the next page is wherever the ERP says, until it says nothing.
            next = json.RootElement.TryGetProperty("@odata.nextLink", out var link) ? link.GetString() : null;
            yield return page;
        }
    }

    private string CollectionPath(string kind)
    {
        var company = $"companies({options.Value.CompanyId})";
        return kind switch
        {
            DocumentKinds.Journal => $"{company}/journals({options.Value.JournalId})/journalEntries",
            DocumentKinds.SalesShipment => $"{company}/salesShipments",
            DocumentKinds.ReturnReceipt => $"{company}/salesReturnReceipts",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a document kind the ERP takes."),
        };
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string operation, CancellationToken cancellationToken)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
            telemetry.Call(operation, (int)response.StatusCode);
            return response;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
            or TaskCanceledException or TimeoutException or IOException)
        {
            telemetry.Call(operation, 0);
            throw ex switch
            {
                // Nothing reached the ERP: no need to look the document up before the next try.
                BrokenCircuitException => new ErpUnavailableException("The ERP circuit is open after repeated failures.", mayHavePosted: false, inner: ex) { Category = "circuit_open" },
                HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } } =>
                    new ErpUnavailableException("The ERP refused the connection.", mayHavePosted: false, inner: ex) { Category = "connection_refused" },
                TimeoutRejectedException or TaskCanceledException or TimeoutException =>
                    new ErpUnavailableException("The ERP did not answer in time.", mayHavePosted: true, inner: ex) { Category = "timeout" },
                _ => new ErpUnavailableException($"The connection to the ERP failed: {ex.Message}", mayHavePosted: true, inner: ex) { Category = "connection" },
            };
        }
    }

    private static ErpUnavailableException Unavailable(HttpResponseMessage response, string? code, string? message)
    {
        var status = (int)response.StatusCode;
        var detail = $"HTTP {status}{(code is null ? string.Empty : " " + code)}{(message is null ? string.Empty : ": " + message)}";
        return response.StatusCode switch
        {
            HttpStatusCode.TooManyRequests => new ErpUnavailableException(detail, mayHavePosted: false, RetryAfter(response)) { Category = "throttled" },
            // Credentials or configuration (company, journal) being wrong stops nothing for good: the work waits until fixed.
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new ErpUnavailableException(detail, mayHavePosted: false) { Category = "unauthorized" },
            HttpStatusCode.NotFound => new ErpUnavailableException(detail, mayHavePosted: false) { Category = "not_found" },
            _ => new ErpUnavailableException(detail, mayHavePosted: status >= 500 || status == 408) { Category = status >= 500 ? "server_error" : "client_error" },
        };
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };

    private static ErpDocumentRef? ReadReference(string text)
    {
        using var json = JsonDocument.Parse(text);
        return json.RootElement.TryGetProperty("id", out var id)
            ? new ErpDocumentRef(id.ToString(), json.RootElement.TryGetProperty("number", out var number) ? number.GetString() : null)
            : null;
    }

    /// <summary>BC's OData error: <c>{"error":{"code","message","innererror"?}}</c>; anything else reads as no detail.</summary>
    private static (string? Code, string? Message, ErpDocumentRef? Existing) ReadError(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            if (!json.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
            {
                return (null, null, null);
            }

            var existing = error.TryGetProperty("innererror", out var inner) && inner.ValueKind == JsonValueKind.Object && inner.TryGetProperty("existingId", out var id)
                ? new ErpDocumentRef(id.ToString(), inner.TryGetProperty("existingNumber", out var number) ? number.GetString() : null)
                : null;
            return (error.TryGetProperty("code", out var code) ? code.GetString() : null, error.TryGetProperty("message", out var message) ? message.GetString() : null, existing);
        }
        catch (JsonException)
        {
            return (null, text.Length == 0 ? null : text[..Math.Min(text.Length, 500)], null);
        }
    }

    private static object Body(ErpDocument document) => document switch
    {
        ErpJournal journal => new
        {
            externalDocumentNumber = journal.ExternalDocumentNumber,
            postingDate = journal.PostingDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            currencyCode = journal.Currency,
            description = Cut(journal.Description, MaxDescription),
            journalLines = journal.Lines.Select((line, i) => new
            {
                lineNumber = (i + 1) * 10000,
                accountNumber = line.Account,
                amount = line.Amount,
                description = Cut(line.Description, MaxDescription),
                comment = line.Reference is null ? null : Cut(line.Reference, MaxComment),
            }),
        },
        ErpShipment shipment => new
        {
            externalDocumentNumber = shipment.ExternalDocumentNumber,
            customerNumber = shipment.CustomerNumber,
            yourReference = shipment.OrderReference,
            shipmentDate = shipment.ShipmentDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            shippingAgentCode = shipment.Carrier is null ? null : Code(shipment.Carrier, MaxShortCode),
            packageTrackingNumber = shipment.TrackingNumber is null ? null : Cut(shipment.TrackingNumber, MaxTrackingNumber),
            salesShipmentLines = shipment.Lines.Select((line, i) => new
            {
                lineNumber = (i + 1) * 10000,
                itemNumber = line.ItemNumber,
                quantity = line.Quantity,
                description = line.Description is null ? null : Cut(line.Description, MaxDescription),
            }),
        },
        ErpReturnReceipt receipt => new
        {
            externalDocumentNumber = receipt.ExternalDocumentNumber,
            customerNumber = receipt.CustomerNumber,
            yourReference = receipt.OrderReference,
            receiptDate = receipt.ReceiptDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            locationCode = Code(receipt.LocationCode, MaxShortCode),
            salesReturnReceiptLines = receipt.Lines.Select((line, i) => new
            {
                lineNumber = (i + 1) * 10000,
                itemNumber = line.ItemNumber,
                quantity = line.Quantity,
                returnReasonCode = line.ReasonCode is null ? null : Code(line.ReasonCode, MaxShortCode),
            }),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(document), document.Kind, "Not a document kind the ERP takes."),
    };

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length];

    private static string Code(string text, int length) => Cut(text.Trim().ToUpperInvariant(), length);
}
