using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Distribution.Aspire.Adapters.Sandbox.Erp;

public static class ErpSandboxExtensions
{
    public const string ApiPrefix = "/erp/api/v2.0";

    public static IHostApplicationBuilder AddErpSandbox(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<ErpSandboxOptions>(builder.Configuration.GetSection(ErpSandboxOptions.SectionName));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ErpSandboxState>();
        builder.Services.AddSingleton<ErpApiFilter>();
        return builder;
    }

    /// <summary>
    /// The ERP's API in the shape of Business Central API v2.0 under <c>/erp/api/v2.0</c> (journal entries with their
    /// lines, sales shipments, sales return receipts, items, accounts), its token endpoint <c>POST /erp/oauth2/token</c>,
    /// and the sandbox controls under <c>/sandbox/erp</c> (<c>GET inspect</c>, <c>GET</c>/<c>PUT faults</c>,
    /// <c>PUT items</c>, <c>PUT accounts</c>).
    /// </summary>
    public static WebApplication MapErpSandbox(this WebApplication app)
    {
        app.MapPost("/erp/oauth2/token", IssueTokenAsync);

        var api = app.MapGroup(ApiPrefix).AddEndpointFilter(app.Services.GetRequiredService<ErpApiFilter>());
        api.MapGet("/companies", (ErpSandboxState state) => Collection(
            [new { id = state.Options.CompanyId, name = state.Options.CompanyName, displayName = state.Options.CompanyName }]));
        var company = api.MapGroup("/companies({companyId:guid})").AddEndpointFilter(async (context, next) =>
        {
            var state = context.HttpContext.RequestServices.GetRequiredService<ErpSandboxState>();
            var companyId = context.HttpContext.GetRouteValue("companyId") as string;
            return Guid.TryParse(companyId, out var id) && id == state.Options.CompanyId
                ? await next(context)
                : ErpErrors.Answer(StatusCodes.Status404NotFound, ErpErrors.NotFound, $"The company '{companyId}' does not exist.");
        });

        company.MapGet("/journals", (ErpSandboxState state) => Collection(
            [new { id = state.Options.JournalId, code = state.Options.JournalCode, displayName = state.Options.JournalCode }]));
        company.MapGet("/accounts", (ErpSandboxState state) => Collection(state.Accounts()));
        company.MapGet("/journals({journalId:guid})/journalEntries", (Guid journalId, HttpRequest request, ErpSandboxState state) =>
            WithJournal(state, journalId, () => Filtered(request, filter => Collection(state.Entries(e =>
                e.JournalId == journalId && (filter is null || filter.Field != "externalDocumentNumber" || filter.Matches(e.ExternalDocumentNumber)))))));
        company.MapGet("/journals({journalId:guid})/journalEntries({id:guid})", (Guid journalId, Guid id, ErpSandboxState state) =>
            WithJournal(state, journalId, () => state.FindEntry(e => e.Id == id && e.JournalId == journalId) is { } entry
                ? Results.Json(entry, ErpJson.Options)
                : ErpErrors.Answer(StatusCodes.Status404NotFound, ErpErrors.NotFound, $"The journal entry '{id}' does not exist.")));
        company.MapPost("/journals({journalId:guid})/journalEntries", async (Guid journalId, HttpRequest request, ErpSandboxState state) =>
        {
            var body = await ReadAsync<JournalEntryRequest>(request);
            return body is null
                ? ErpErrors.Invalid(ErpErrors.BadRequest, "The request body is not a journal entry (JSON).")
                : WithJournal(state, journalId, () => ErpBooks.PostJournalEntry(state, journalId, body));
        });

        foreach (var collection in new[] { ErpSandboxState.SalesShipments, ErpSandboxState.SalesReturnReceipts })
        {
            company.MapGet("/" + collection, (HttpRequest request, ErpSandboxState state) => Filtered(request, filter => Collection(
                state.Sales(collection, d => filter is null || filter.Field != "externalDocumentNumber" || filter.Matches(d.ExternalDocumentNumber))
                    .Select(d => ErpBooks.Render(collection, d)))));
            company.MapPost("/" + collection, async (HttpRequest request, ErpSandboxState state) =>
                await ReadAsync<SalesDocumentRequest>(request) is { } body
                    ? ErpBooks.PostSalesDocument(state, collection, body)
                    : ErpErrors.Invalid(ErpErrors.BadRequest, "The request body is not a sales document (JSON)."));
        }

        company.MapGet("/items", ListItems);

        var control = app.MapGroup("/sandbox/erp");
        control.MapGet("/inspect", (ErpSandboxState state) => Results.Json(new
        {
            journalEntries = state.Entries(),
            salesShipments = state.Sales(ErpSandboxState.SalesShipments),
            salesReturnReceipts = state.Sales(ErpSandboxState.SalesReturnReceipts),
            counters = state.Counters(),
            faults = state.Faults,
        }, ErpJson.Options));
        control.MapGet("/faults", (ErpSandboxState state) => Results.Json(state.Faults, ErpJson.Options));
        control.MapPut("/faults", (ErpFaults faults, ErpSandboxState state) =>
        {
            lock (state.Gate)
            {
                state.Faults = faults;
            }

            return Results.Json(faults, ErpJson.Options);
        });
        control.MapPut("/items", (List<ItemUpdate> items, ErpSandboxState state) => Results.Json(new { value = state.UpsertItems(items) }, ErpJson.Options));
        control.MapPut("/accounts", (List<AccountUpdate> accounts, ErpSandboxState state) =>
        {
            state.UpsertAccounts(accounts);
            return Results.Json(new { value = state.Accounts() }, ErpJson.Options);
        });
        return app;
    }

    /// <summary>OAuth 2.0 client credentials (form post, as Entra ID's token endpoint takes them).</summary>
    private static async Task<IResult> IssueTokenAsync(HttpRequest request, ErpSandboxState state)
    {
        var form = request.HasFormContentType ? await request.ReadFormAsync() : null;
        var clientId = form?["client_id"].ToString();
        var clientSecret = form?["client_secret"].ToString();
        if (form?["grant_type"].ToString() != "client_credentials")
        {
            return Results.Json(new { error = "unsupported_grant_type" }, statusCode: StatusCodes.Status400BadRequest);
        }

        if (state.Options.ClientSecret.Length > 0 && (clientId != state.Options.ClientId || clientSecret != state.Options.ClientSecret))
        {
            state.Count("tokens.refused");
            return Results.Json(new { error = "invalid_client" }, statusCode: StatusCodes.Status401Unauthorized);
        }

        state.Count("tokens.issued");
        return Results.Json(new { access_token = state.IssueToken(), token_type = "Bearer", expires_in = state.Options.TokenLifetimeSeconds });
    }

    /// <summary>Items by number, paged by the server (<c>Prefer: odata.maxpagesize</c> may lower the page size), <c>$filter</c> on lastModifiedDateTime or number.</summary>
    private static IResult ListItems(HttpRequest request, ErpSandboxState state) => Filtered(request, filter =>
    {
        var pageSize = state.Options.PageSize;
        var prefer = request.Headers["Prefer"].ToString();
        var marker = prefer.IndexOf("odata.maxpagesize=", StringComparison.Ordinal);
        if (marker >= 0 && int.TryParse(prefer.AsSpan(marker + "odata.maxpagesize=".Length).ToString().Split(',')[0], CultureInfo.InvariantCulture, out var preferred) && preferred > 0)
        {
            pageSize = Math.Min(pageSize, preferred);
        }

        Func<ItemDocument, bool> matches = filter switch
        {
            null => _ => true,
            { Field: "lastModifiedDateTime" } => i => filter.Matches(i.LastModifiedDateTime),
            { Field: "number" } => i => filter.Matches(i.Number),
            _ => _ => false,
        };
        var after = request.Query["$skiptoken"].ToString();
        var (page, more) = state.Items(after.Length > 0 ? after : null, matches, Math.Max(1, pageSize));
        state.Count("items.pages");
        state.AfterItemsPage?.Invoke(state.Counters()["items.pages"]);
        var body = new Dictionary<string, object?> { ["value"] = page };
        if (more)
        {
            var query = new List<string>();
            if (request.Query["$filter"].ToString() is { Length: > 0 } text)
            {
                query.Add("$filter=" + Uri.EscapeDataString(text));
            }

            query.Add("$skiptoken=" + Uri.EscapeDataString(page[^1].Number));
            body["@odata.nextLink"] = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}?{string.Join('&', query)}";
        }

        return Results.Json(body, ErpJson.Options);
    });

    private static IResult Filtered(HttpRequest request, Func<ODataFilter?, IResult> answer) =>
        ODataFilter.TryParse(request.Query["$filter"].ToString(), out var filter)
            ? answer(filter)
            : ErpErrors.Invalid(ErpErrors.InvalidFilter, "The $filter is not supported: use one comparison (field eq 'value', field gt 2026-01-01T00:00:00Z).");

    private static IResult WithJournal(ErpSandboxState state, Guid journalId, Func<IResult> answer) =>
        journalId == state.Options.JournalId
            ? answer()
            : ErpErrors.Answer(StatusCodes.Status404NotFound, ErpErrors.NotFound, $"The journal '{journalId}' does not exist.");

    private static IResult Collection<T>(IEnumerable<T> items) => Results.Json(new { value = items }, ErpJson.Options);

    private static async Task<T?> ReadAsync<T>(HttpRequest request) where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, ErpJson.Options, request.HttpContext.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
