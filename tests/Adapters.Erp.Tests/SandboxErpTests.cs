using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.Adapters.Sandbox.Erp;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.Erp.Tests;

/// <summary>The sandbox ERP validates like an ERP: balanced entries, known accounts and items, one document per number, tokens.</summary>
public sealed class SandboxErpTests(TestServers servers)
{
    private static readonly Guid Company = ErpSandboxOptions.DefaultCompanyId;
    private static readonly Guid Journal = ErpSandboxOptions.DefaultJournalId;
    private static readonly string Entries = $"companies({Company})/journals({Journal})/journalEntries";

    [Fact]
    public async Task Unbalanced_entry_is_refused_with_a_business_central_error_body()
    {
        await using var host = await ErpHost.StartAsync(servers);
        using var erp = await host.ErpClientAsync();

        using var response = await erp.PostAsJsonAsync(Entries, Entry("UNBAL-1", ("1205-AMAZON-CLEARING", 10.00m), ("4000-SALES", -9.99m)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("Application_DialogException", error.GetProperty("code").GetString());
        Assert.Contains("out of balance by 0.01", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(host.Erp.Entries());
    }

    [Theory]
    [InlineData("9999", "Application_RecordNotFound", "cannot be found in the related table (G/L Account)")]
    [InlineData("", "Application_FieldValidationException", "Account No. must have a value")]
    public async Task Entry_with_an_unknown_or_missing_account_is_refused(string account, string code, string message)
    {
        await using var host = await ErpHost.StartAsync(servers);
        using var erp = await host.ErpClientAsync();

        using var response = await erp.PostAsJsonAsync(Entries, Entry("ACC-1", ("1205-AMAZON-CLEARING", 10m), (account, -10m)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Contains(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Blocked_accounts_unrounded_amounts_and_long_numbers_are_refused()
    {
        await using var host = await ErpHost.StartAsync(servers);
        using var erp = await host.ErpClientAsync();
        host.Erp.UpsertAccounts([new AccountUpdate("6900-OTHER-EXPENSES", null, true)]);

        using var blocked = await erp.PostAsJsonAsync(Entries, Entry("B-1", ("1205-AMAZON-CLEARING", 1m), ("6900-OTHER-EXPENSES", -1m)));
        using var unrounded = await erp.PostAsJsonAsync(Entries, Entry("B-2", ("1205-AMAZON-CLEARING", 1.005m), ("4000-SALES", -1.005m)));
        using var tooLong = await erp.PostAsJsonAsync(Entries, Entry(new string('N', 36), ("1205-AMAZON-CLEARING", 1m), ("4000-SALES", -1m)));

        Assert.Contains("Blocked must be equal to 'No'", await MessageAsync(blocked), StringComparison.Ordinal);
        Assert.Contains("must be rounded to 0.01", await MessageAsync(unrounded), StringComparison.Ordinal);
        Assert.Equal("Application_StringExceededLength", (await tooLong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(host.Erp.Entries());
    }

    [Fact]
    public async Task Duplicate_external_document_number_answers_409_with_the_existing_entry()
    {
        await using var host = await ErpHost.StartAsync(servers);
        using var erp = await host.ErpClientAsync();

        using var first = await erp.PostAsJsonAsync(Entries, Entry("dup-1", ("1205-AMAZON-CLEARING", 5m), ("4000-SALES", -5m)));
        using var second = await erp.PostAsJsonAsync(Entries, Entry("DUP-1", ("1205-AMAZON-CLEARING", 7m), ("4000-SALES", -7m)));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var created = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("DUP-1", created.GetProperty("externalDocumentNumber").GetString());
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var error = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("Internal_EntityWithSameKeyExists", error.GetProperty("code").GetString());
        Assert.Equal(created.GetProperty("id").GetString(), error.GetProperty("innererror").GetProperty("existingId").GetString());

        var found = await erp.GetFromJsonAsync<JsonElement>($"{Entries}?$filter={Uri.EscapeDataString("externalDocumentNumber eq 'dup-1'")}");
        Assert.Equal(created.GetProperty("id").GetString(), Assert.Single(found.GetProperty("value").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Api_needs_a_bearer_token_from_the_client_credentials_grant()
    {
        await using var host = await ErpHost.StartAsync(servers);
        using var anonymous = new HttpClient { BaseAddress = host.ErpApi };
        using var refused = await anonymous.GetAsync("companies");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.ToString());

        using var wrongSecret = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "distribution-erp-adapter",
            ["client_secret"] = "guess",
        });
        using var tokenRefused = await anonymous.PostAsync(new Uri(host.Sandbox.HttpAddress, "/erp/oauth2/token"), wrongSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, tokenRefused.StatusCode);

        using var erp = await host.ErpClientAsync();
        var companies = await erp.GetFromJsonAsync<JsonElement>("companies");
        Assert.Equal(Company, Assert.Single(companies.GetProperty("value").EnumerateArray()).GetProperty("id").GetGuid());
        using var otherCompany = await erp.GetAsync($"companies({Guid.NewGuid()})/items");
        Assert.Equal(HttpStatusCode.NotFound, otherCompany.StatusCode);
    }

    [Fact]
    public async Task Items_are_paged_with_next_links_and_filtered_by_modification_time()
    {
        await using var host = await ErpHost.StartAsync(servers, sandbox: new Dictionary<string, string?> { ["Sandbox:Erp:PageSize"] = "5" });
        using var erp = await host.ErpClientAsync();
        var numbers = new List<string>();
        string? next = $"companies({Company})/items";
        var pages = 0;
        while (next is not null)
        {
            var page = await erp.GetFromJsonAsync<JsonElement>(next);
            numbers.AddRange(page.GetProperty("value").EnumerateArray().Select(i => i.GetProperty("number").GetString()!));
            next = page.TryGetProperty("@odata.nextLink", out var link) ? link.GetString() : null;
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(13, numbers.Distinct().Count());
        Assert.Equal(numbers.Order(StringComparer.Ordinal), numbers);

        var changed = host.Erp.UpsertItems([new ItemUpdate("SKU-3", "Renamed", null, null, null)]).Single();
        var since = Uri.EscapeDataString($"lastModifiedDateTime ge {changed.LastModifiedDateTime.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffffffZ}");
        var filtered = await erp.GetFromJsonAsync<JsonElement>($"companies({Company})/items?$filter={since}");
        Assert.Equal("Renamed", Assert.Single(filtered.GetProperty("value").EnumerateArray()).GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Fault_injection_fails_the_next_requests_then_recovers()
    {
        await using var host = await ErpHost.StartAsync(servers);
        using var erp = await host.ErpClientAsync();
        using var faults = new HttpClient { BaseAddress = host.Sandbox.HttpAddress };
        using var set = await faults.PutAsJsonAsync("/sandbox/erp/faults", new { failNext = 2, failStatus = 503, throttleNext = 1, retryAfterSeconds = 7 });
        set.EnsureSuccessStatusCode();

        using var first = await erp.GetAsync("companies");
        using var second = await erp.GetAsync("companies");
        using var third = await erp.GetAsync("companies");
        using var fourth = await erp.GetAsync("companies");

        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests, HttpStatusCode.OK],
            [first.StatusCode, second.StatusCode, third.StatusCode, fourth.StatusCode]);
        Assert.Equal(TimeSpan.FromSeconds(7), third.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Shipments_need_known_items_and_a_unique_external_document_number()
    {
        await using var host = await ErpHost.StartAsync(servers);
        using var erp = await host.ErpClientAsync();
        var path = $"companies({Company})/salesShipments";
        object Shipment(string item) => new
        {
            externalDocumentNumber = "SHP-1",
            customerNumber = "AMAZON",
            shipmentDate = "2026-11-28",
            salesShipmentLines = new[] { new { itemNumber = item, quantity = 1 } },
        };

        using var unknown = await erp.PostAsJsonAsync(path, Shipment("NOPE"));
        using var created = await erp.PostAsJsonAsync(path, Shipment("SKU-1"));
        using var duplicate = await erp.PostAsJsonAsync(path, Shipment("SKU-1"));

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("The Item does not exist", await MessageAsync(unknown), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Single(host.Erp.Sales(ErpSandboxState.SalesShipments));
    }

    private static async Task<string> MessageAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString()!;

    private static object Entry(string number, params (string Account, decimal Amount)[] lines) => new
    {
        externalDocumentNumber = number,
        postingDate = "2026-11-28",
        currencyCode = "USD",
        description = "test",
        journalLines = lines.Select(l => new { accountNumber = l.Account, amount = l.Amount }),
    };
}
