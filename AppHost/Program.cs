using Distribution.Aspire.AppHost;
using Distribution.Aspire.AppHost.Infrastructure;

try
{
    var builder = DistributedApplication.CreateBuilder(args);

    var infrastructure = builder.AddInfrastructure(
        ["gatewaydb", "ordersdb", "inventorydb", "fulfillmentdb", "settlementdb", "amazondb", "shopifydb", "threepldb", "erpdb"]);

    IResourceBuilder<ExecutableResource>[] backends =
    [
        builder.AddDistributionService<Projects.OrderService>("orderservice", infrastructure, "ordersdb"),
        builder.AddDistributionService<Projects.InventoryService>("inventoryservice", infrastructure, "inventorydb"),
        builder.AddDistributionService<Projects.FulfillmentService>("fulfillmentservice", infrastructure, "fulfillmentdb"),
        builder.AddDistributionService<Projects.SettlementService>("settlementservice", infrastructure, "settlementdb"),
        builder.AddDistributionService<Projects.Adapters_Amazon>("amazon-adapter", infrastructure, "amazondb"),
        builder.AddDistributionService<Projects.Adapters_Shopify>("shopify-adapter", infrastructure, "shopifydb"),
        builder.AddDistributionService<Projects.Adapters_ThreePL>("threepl-adapter", infrastructure, "threepldb"),
        builder.AddDistributionService<Projects.Adapters_Erp>("erp-adapter", infrastructure, "erpdb"),
    ];

    var sandbox = builder.AddDotnetService<Projects.Adapters_Sandbox>("sandbox");

    var gateway = builder.AddGateway(infrastructure, backends).WithStartupBanner();

    builder.ConnectShopify(backends, sandbox, gateway);

    builder.Build().Run();
    return 0;
}
catch (PreflightException ex)
{
    Console.Error.WriteLine($"Distribution.Aspire cannot start: {ex.Message}");
    return 1;
}
