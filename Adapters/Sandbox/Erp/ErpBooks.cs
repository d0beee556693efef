using System.Globalization;

namespace Distribution.Aspire.Adapters.Sandbox.Erp;

/// <summary>
/// What the ERP checks before it takes a document, with BC's messages: required fields and lengths (BC's Code[35]
/// external document number, Text[100] descriptions), accounts and items that exist and are not blocked, amounts
/// rounded to the currency's precision, every entry balancing to zero, and one document per external document number
/// (409 with the existing entry).
/// </summary>
public static class ErpBooks
{
    public const int MaxExternalDocumentNumber = 35;
    public const int MaxDescription = 100;
    public const int MaxCode = 20;
    public const int MaxLines = 1000;

    public static IResult PostJournalEntry(ErpSandboxState state, Guid journalId, JournalEntryRequest request)
    {
        if (Required(request.ExternalDocumentNumber, "External Document No.", MaxExternalDocumentNumber) is { } badNumber)
        {
            return badNumber;
        }

        if (!DateOnly.TryParseExact(request.PostingDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var postingDate))
        {
            return ErpErrors.Invalid(ErpErrors.FieldValidation, "Posting Date must have a value in Journal Entry: a date (yyyy-MM-dd).");
        }

        if (request.CurrencyCode is not { Length: 3 } currency || !currency.All(char.IsAsciiLetterUpper))
        {
            return ErpErrors.Invalid(ErpErrors.FieldValidation, $"Currency Code '{request.CurrencyCode}' is not a valid currency.");
        }

        if (request.Description is { Length: > MaxDescription })
        {
            return ErpErrors.Invalid(ErpErrors.StringTooLong, $"The length of the string is {request.Description.Length}, but it must be less than or equal to {MaxDescription} characters. Value: Description.");
        }

        var lines = request.JournalLines ?? [];
        if (lines.Count is < 2 or > MaxLines)
        {
            return ErpErrors.Invalid(ErpErrors.FieldValidation, $"A journal entry needs 2 to {MaxLines} journal lines; this one has {lines.Count}.");
        }

        // Code fields are upper case in BC: the number is stored (and found) as such.
        var documentNumber = request.ExternalDocumentNumber!.ToUpperInvariant();
        lock (state.Gate)
        {
            var posted = new List<JournalLineDocument>();
            for (var i = 0; i < lines.Count; i++)
            {
                var line = lines[i];
                var lineNumber = line.LineNumber ?? (i + 1) * 10000;
                if (string.IsNullOrEmpty(line.AccountNumber))
                {
                    return ErpErrors.Invalid(ErpErrors.FieldValidation, $"Account No. must have a value in Gen. Journal Line: Line No.={lineNumber}.");
                }

                if (state.Account(line.AccountNumber) is not { } account)
                {
                    return ErpErrors.Invalid(ErpErrors.RecordNotFound,
                        $"The field Account No. of table Gen. Journal Line contains a value ({line.AccountNumber}) that cannot be found in the related table (G/L Account).");
                }

                if (account.Blocked)
                {
                    return ErpErrors.Invalid(ErpErrors.FieldValidation, $"Blocked must be equal to 'No' in G/L Account: No.={account.Number}. Current value is 'Yes'.");
                }

                if (line.Amount is not { } amount || amount == 0)
                {
                    return ErpErrors.Invalid(ErpErrors.FieldValidation, $"Amount must have a value in Gen. Journal Line: Line No.={lineNumber}. It cannot be zero or empty.");
                }

                if (decimal.Round(amount, 2) != amount)
                {
                    return ErpErrors.Invalid(ErpErrors.FieldValidation, $"Amount {amount.ToString(CultureInfo.InvariantCulture)} on Line No.={lineNumber} must be rounded to 0.01.");
                }

                if (line.Description is { Length: > MaxDescription })
                {
                    return ErpErrors.Invalid(ErpErrors.StringTooLong, $"The length of the string is {line.Description.Length}, but it must be less than or equal to {MaxDescription} characters. Value: Description (Line No.={lineNumber}).");
                }

                posted.Add(new JournalLineDocument(lineNumber, account.Number, amount, line.Description ?? string.Empty, line.Comment));
            }

            var balance = posted.Sum(l => l.Amount);
            if (balance != 0)
            {
                return ErpErrors.Invalid(ErpErrors.Unbalanced,
                    $"Document No. {documentNumber} is out of balance by {balance.ToString("0.00", CultureInfo.InvariantCulture)}. Please check that the Posting Date, Document Type, Document No. and Amount are correct for each line.");
            }

            if (state.FindEntry(e => e.ExternalDocumentNumber == documentNumber) is { } existing)
            {
                state.Count("journalEntries.duplicates");
                return ErpErrors.Answer(StatusCodes.Status409Conflict, ErpErrors.Duplicate,
                    $"The record in table Journal Entry already exists. Identification fields and values: External Document No.='{documentNumber}'",
                    new ErpExistingEntry(existing.Id, existing.Number));
            }

            var entry = state.AddEntry(number => new JournalEntryDocument(
                Guid.NewGuid(), "G" + number.ToString("D6", CultureInfo.InvariantCulture), journalId, documentNumber, postingDate, currency,
                request.Description ?? string.Empty, posted, state.Time.GetUtcNow()));
            state.Count("journalEntries.posted");
            return Results.Json(entry, ErpJson.Options, statusCode: StatusCodes.Status201Created);
        }
    }

    public static IResult PostSalesDocument(ErpSandboxState state, string collection, SalesDocumentRequest request)
    {
        var isShipment = collection == ErpSandboxState.SalesShipments;
        if (Required(request.ExternalDocumentNumber, "External Document No.", MaxExternalDocumentNumber) is { } badNumber)
        {
            return badNumber;
        }

        if (Required(request.CustomerNumber, "Customer No.", MaxCode) is { } badCustomer)
        {
            return badCustomer;
        }

        var dateText = isShipment ? request.ShipmentDate : request.ReceiptDate;
        if (!DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return ErpErrors.Invalid(ErpErrors.FieldValidation, $"{(isShipment ? "Shipment Date" : "Receipt Date")} must have a value: a date (yyyy-MM-dd).");
        }

        if (request.YourReference is { Length: > MaxExternalDocumentNumber } || request.PackageTrackingNumber is { Length: > 30 }
            || request.LocationCode is { Length: > 10 } || request.ShippingAgentCode is { Length: > 10 })
        {
            return ErpErrors.Invalid(ErpErrors.StringTooLong, "Your Reference (35), Package Tracking No. (30), Location Code (10) or Shipping Agent Code (10) is too long.");
        }

        var lines = (isShipment ? request.SalesShipmentLines : request.SalesReturnReceiptLines) ?? [];
        if (lines.Count is 0 or > MaxLines)
        {
            return ErpErrors.Invalid(ErpErrors.FieldValidation, $"A document needs 1 to {MaxLines} lines; this one has {lines.Count}.");
        }

        // Code fields are upper case in BC: the number is stored (and found) as such.
        var documentNumber = request.ExternalDocumentNumber!.ToUpperInvariant();
        lock (state.Gate)
        {
            var posted = new List<SalesLineDocument>();
            for (var i = 0; i < lines.Count; i++)
            {
                var line = lines[i];
                var lineNumber = line.LineNumber ?? (i + 1) * 10000;
                if (string.IsNullOrEmpty(line.ItemNumber) || !state.HasItem(line.ItemNumber))
                {
                    return ErpErrors.Invalid(ErpErrors.RecordNotFound, $"The Item does not exist. Identification fields and values: No.='{line.ItemNumber}'");
                }

                if (line.Quantity is not > 0)
                {
                    return ErpErrors.Invalid(ErpErrors.FieldValidation, $"Quantity must be positive in Line No.={lineNumber}.");
                }

                posted.Add(new SalesLineDocument(lineNumber, line.ItemNumber, line.Quantity.Value, line.Description, line.ReturnReasonCode));
            }

            if (state.Sales(collection, d => d.ExternalDocumentNumber == documentNumber) is [var existing, ..])
            {
                state.Count(collection + ".duplicates");
                return ErpErrors.Answer(StatusCodes.Status409Conflict, ErpErrors.Duplicate,
                    $"The record in table {(isShipment ? "Sales Shipment Header" : "Return Receipt Header")} already exists. Identification fields and values: External Document No.='{documentNumber}'",
                    new ErpExistingEntry(existing.Id, existing.Number));
            }

            var document = state.AddSales(collection, number => new SalesDocument(
                Guid.NewGuid(), number, documentNumber, request.CustomerNumber!, request.YourReference, date, request.LocationCode,
                request.ShippingAgentCode, request.PackageTrackingNumber, posted, state.Time.GetUtcNow()));
            state.Count(collection + ".posted");
            return Results.Json(Render(collection, document), ErpJson.Options, statusCode: StatusCodes.Status201Created);
        }
    }

    /// <summary>A sales document with its lines under BC's entity name for the collection.</summary>
    public static Dictionary<string, object?> Render(string collection, SalesDocument document)
    {
        var isShipment = collection == ErpSandboxState.SalesShipments;
        return new Dictionary<string, object?>
        {
            ["id"] = document.Id,
            ["number"] = document.Number,
            ["externalDocumentNumber"] = document.ExternalDocumentNumber,
            ["customerNumber"] = document.CustomerNumber,
            ["yourReference"] = document.YourReference,
            [isShipment ? "shipmentDate" : "receiptDate"] = document.DocumentDate,
            ["locationCode"] = document.LocationCode,
            ["shippingAgentCode"] = document.ShippingAgentCode,
            ["packageTrackingNumber"] = document.PackageTrackingNumber,
            ["postedDateTime"] = document.PostedDateTime,
            [isShipment ? "salesShipmentLines" : "salesReturnReceiptLines"] = document.Lines,
        };
    }

    private static IResult? Required(string? value, string field, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? ErpErrors.Invalid(ErpErrors.FieldValidation, $"{field} must have a value.")
        : value.Length > maxLength ? ErpErrors.Invalid(ErpErrors.StringTooLong, $"The length of the string is {value.Length}, but it must be less than or equal to {maxLength} characters. Value: {value}")
        : null;
}
