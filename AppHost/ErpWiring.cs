namespace Distribution.Aspire.AppHost;

public static class ErpWiring
{
    /// <summary>Settings of the sandbox ERP (<c>ErpSandbox:*</c>); local simulator credentials, not secrets of a real ERP.</summary>
    public const string SettingsSection = "ErpSandbox";

    /// <summary>
    /// The ERP adapter posts to the sandbox ERP's Business Central-style API with a client-credentials token from the
    /// sandbox's token endpoint, and syncs the ERP's item master into InventoryService over gRPC (both by service
    /// discovery). Adapter and sandbox are given the same company, journal and client credentials.
    /// </summary>
    public static void WireErp(
        this IDistributedApplicationBuilder builder,
        IResourceBuilder<ExecutableResource> adapter,
        IResourceBuilder<ExecutableResource> inventoryService,
        IResourceBuilder<ExecutableResource> sandbox)
    {
        var settings = builder.Configuration.GetSection(SettingsSection);
        var companyId = settings["CompanyId"] ?? "7d4cbc36-1e5b-4c42-8a5f-1f0c2b6a9e01";
        var journalId = settings["JournalId"] ?? "0b8e3f52-6a7d-4e1c-9b2a-3c5d7e9f1a02";
        var clientId = settings["ClientId"] ?? "distribution-erp-adapter";
        var clientSecret = settings["ClientSecret"] ?? "sandbox-erp-secret";

        adapter.WithReference(inventoryService.GetEndpoint("grpc"))
            .WithReference(sandbox.GetEndpoint("http"))
            .WithEnvironment("Erp__InventoryAddress", "http://_grpc.inventoryservice")
            .WithEnvironment("Erp__ApiBaseUrl", $"http://_http.{sandbox.Resource.Name}/erp/api/v2.0/")
            .WithEnvironment("Erp__TokenUrl", $"http://_http.{sandbox.Resource.Name}/erp/oauth2/token")
            .WithEnvironment("Erp__ClientId", clientId)
            .WithEnvironment("Erp__ClientSecret", clientSecret)
            .WithEnvironment("Erp__CompanyId", companyId)
            .WithEnvironment("Erp__JournalId", journalId);

        sandbox.WithEnvironment("Sandbox__Erp__CompanyId", companyId)
            .WithEnvironment("Sandbox__Erp__JournalId", journalId)
            .WithEnvironment("Sandbox__Erp__ClientId", clientId)
            .WithEnvironment("Sandbox__Erp__ClientSecret", clientSecret);
    }
}
