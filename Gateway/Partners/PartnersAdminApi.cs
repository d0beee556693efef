using Distribution.Aspire.Gateway.Admin;
using Distribution.Aspire.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Distribution.Aspire.Gateway.Partners;

/// <summary>
/// Operators onboard partners and manage their credentials and limits here (paths and fields as in
/// ARCHITECTURE.md). Keys are shown once, when issued; nothing here ever returns a key, a hash or a secret.
/// Every change is announced to all replicas, which drop their cached copy of the partner.
/// </summary>
public static class PartnersAdminApi
{
    public static IEndpointRouteBuilder MapPartnersAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var partners = endpoints.MapGatewayAdminGroup().MapGroup("/partners").WithTags("Partners");
        partners.MapPost("/", CreateAsync).WithName("CreatePartner");
        partners.MapGet("/", ListAsync).WithName("ListPartners");
        partners.MapGet("/{partnerId}", GetAsync).WithName("GetPartner");
        partners.MapPatch("/{partnerId}", UpdateAsync).WithName("UpdatePartner");
        partners.MapPut("/{partnerId}/limits", SetLimitsAsync).WithName("SetPartnerLimits");
        partners.MapPost("/{partnerId}/keys", IssueKeyAsync).WithName("IssuePartnerKey");
        partners.MapDelete("/{partnerId}/keys/{keyId}", RevokeKeyAsync).WithName("RevokePartnerKey");
        partners.MapPut("/{partnerId}/webhook-secret", SetWebhookSecretAsync).WithName("SetPartnerWebhookSecret");
        partners.MapPost("/{partnerId}:suspend", (string partnerId, PartnerStore store, PartnerDirectory directory, CancellationToken ct) =>
            SetStatusAsync(partnerId, "suspended", store, directory, ct)).WithName("SuspendPartner");
        partners.MapPost("/{partnerId}:resume", (string partnerId, PartnerStore store, PartnerDirectory directory, CancellationToken ct) =>
            SetStatusAsync(partnerId, "active", store, directory, ct)).WithName("ResumePartner");
        return endpoints;
    }

    public static async Task<Results<Created<CreatedPartner>, ProblemHttpResult>> CreateAsync(
        CreatePartnerRequest request, PartnerStore store, PartnerDirectory directory, CancellationToken cancellationToken)
    {
        var errors = PartnerValidation.Create(request, out var partner);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var (result, apiKey, keyId) = await store.CreateAsync(partner!, cancellationToken);
        switch (result)
        {
            case StoreResult.PartnerExists:
                return GatewayProblems.Problem(StatusCodes.Status409Conflict, GatewayProblems.PartnerExists, $"Partner '{partner!.PartnerId}' already exists.");
            case StoreResult.ShopDomainTaken:
                return GatewayProblems.Problem(StatusCodes.Status409Conflict, GatewayProblems.ShopDomainTaken, "Another partner already uses this shop domain.");
        }

        await directory.PublishChangeAsync(partner!.PartnerId);
        var created = new CreatedPartner(
            partner.PartnerId, apiKey!, keyId!, partner.Kind, partner.Channel, "active", partner.Scopes,
            new RateLimitView(partner.PerSecond, partner.Burst), partner.DailyQuota, partner.ShopDomain);
        return TypedResults.Created($"/admin/partners/{partner.PartnerId}", created);
    }

    public static async Task<Ok<IReadOnlyList<PartnerView>>> ListAsync(PartnerStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ListAsync(cancellationToken));

    public static async Task<Results<Ok<PartnerView>, ProblemHttpResult>> GetAsync(string partnerId, PartnerStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(partnerId, cancellationToken) is { } partner ? TypedResults.Ok(partner) : NotFound(partnerId);

    public static async Task<Results<Ok<PartnerView>, ProblemHttpResult>> UpdateAsync(
        string partnerId, UpdatePartnerRequest request, PartnerStore store, PartnerDirectory directory, CancellationToken cancellationToken)
    {
        var errors = PartnerValidation.Update(request, out var changes);
        return errors.Count > 0 ? Invalid(errors) : await ApplyAsync(partnerId, changes, store, directory, cancellationToken);
    }

    public static async Task<Results<Ok<PartnerView>, ProblemHttpResult>> SetLimitsAsync(
        string partnerId, LimitsRequest request, PartnerStore store, PartnerDirectory directory, CancellationToken cancellationToken)
    {
        var errors = PartnerValidation.Limits(request, out var changes);
        return errors.Count > 0 ? Invalid(errors) : await ApplyAsync(partnerId, changes, store, directory, cancellationToken);
    }

    public static async Task<Results<Created<IssuedKey>, ProblemHttpResult>> IssueKeyAsync(
        string partnerId, PartnerStore store, PartnerDirectory directory, CancellationToken cancellationToken)
    {
        var (result, key) = await store.AddKeyAsync(partnerId, cancellationToken);
        switch (result)
        {
            case StoreResult.NotFound:
                return NotFound(partnerId);
            case StoreResult.KeyLimitReached:
                return GatewayProblems.Problem(StatusCodes.Status409Conflict, GatewayProblems.KeyLimitReached,
                    $"A partner holds at most {PartnerStore.MaxActiveKeys} active keys; revoke one first.");
        }

        await directory.PublishChangeAsync(partnerId);
        return TypedResults.Created($"/admin/partners/{partnerId}/keys/{key!.KeyId}", key);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeKeyAsync(
        string partnerId, string keyId, PartnerStore store, PartnerDirectory directory, CancellationToken cancellationToken)
    {
        if (await store.RevokeKeyAsync(partnerId, keyId, cancellationToken) == StoreResult.NotFound)
        {
            return GatewayProblems.Problem(StatusCodes.Status404NotFound, ProblemCodes.NotFound, $"Partner '{partnerId}' has no key '{keyId}'.");
        }

        await directory.PublishChangeAsync(partnerId);
        return TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> SetWebhookSecretAsync(
        string partnerId, WebhookSecretRequest request, PartnerStore store, PartnerDirectory directory, SecretProtector secrets, CancellationToken cancellationToken)
    {
        var errors = PartnerValidation.Secret(request);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        if (!secrets.IsConfigured)
        {
            return GatewayProblems.Problem(StatusCodes.Status503ServiceUnavailable, GatewayProblems.SecretsKeyMissing,
                "Gateway:SecretsKey is not configured, so secrets cannot be stored encrypted.");
        }

        if (await store.SetWebhookSecretAsync(partnerId, request.Secret!, cancellationToken) == StoreResult.NotFound)
        {
            return NotFound(partnerId);
        }

        await directory.PublishChangeAsync(partnerId);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<PartnerView>, ProblemHttpResult>> SetStatusAsync(
        string partnerId, string status, PartnerStore store, PartnerDirectory directory, CancellationToken cancellationToken)
    {
        if (await store.SetStatusAsync(partnerId, status, cancellationToken) == StoreResult.NotFound)
        {
            return NotFound(partnerId);
        }

        await directory.PublishChangeAsync(partnerId);
        return TypedResults.Ok((await store.GetAsync(partnerId, cancellationToken))!);
    }

    private static async Task<Results<Ok<PartnerView>, ProblemHttpResult>> ApplyAsync(
        string partnerId, PartnerChanges changes, PartnerStore store, PartnerDirectory directory, CancellationToken cancellationToken)
    {
        switch (await store.UpdateAsync(partnerId, changes, cancellationToken))
        {
            case StoreResult.NotFound:
                return NotFound(partnerId);
            case StoreResult.ShopDomainTaken:
                return GatewayProblems.Problem(StatusCodes.Status409Conflict, GatewayProblems.ShopDomainTaken, "Another partner already uses this shop domain.");
        }

        await directory.PublishChangeAsync(partnerId);
        return TypedResults.Ok((await store.GetAsync(partnerId, cancellationToken))!);
    }

    private static ProblemHttpResult NotFound(string partnerId) =>
        GatewayProblems.Problem(StatusCodes.Status404NotFound, ProblemCodes.NotFound, $"No partner '{partnerId}'.");

    private static ProblemHttpResult Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "The request is not valid",
            Extensions = { [ProblemCodes.ExtensionName] = ProblemCodes.ValidationFailed },
        });
}
