using Distribution.Aspire.AppHost;
using Distribution.Aspire.AppHost.Infrastructure;

try
{
    var builder = DistributedApplication.CreateBuilder(args);

    var infrastructure = builder.AddInfrastructure(
        ["gatewaydb", "ordersdb", "inventorydb", "fulfillmentdb", "settlementdb", "amazondb", "shopifydb", "threepldb", "erpdb"]);

    var orderService = builder.AddDistributionService<Projects.OrderService>("orderservice", infrastructure, "ordersdb");
    var inventoryService = builder.AddDistributionService<Projects.InventoryService>("inventoryservice", infrastructure, "inventorydb");
    var fulfillmentService = builder.AddDistributionService<Projects.FulfillmentService>("fulfillmentservice", infrastructure, "fulfillmentdb").WithReference(orderService.GetEndpoint("grpc"));
    var amazonAdapter = builder.AddDistributionService<Projects.Adapters_Amazon>("amazon-adapter", infrastructure, "amazondb");
    var shopifyAdapter = builder.AddDistributionService<Projects.Adapters_Shopify>("shopify-adapter", infrastructure, "shopifydb");
    var threePLAdapter = builder.AddDistributionService<Projects.Adapters_ThreePL>("threepl-adapter", infrastructure, "threepldb");
    var settlementService = builder.AddDistributionService<Projects.SettlementService>("settlementservice", infrastructure, "settlementdb");
    var erpAdapter = builder.AddDistributionService<Projects.Adapters_Erp>("erp-adapter", infrastructure, "erpdb");
    IResourceBuilder<ExecutableResource>[] backends =
    [
        orderService,
        inventoryService,
        fulfillmentService,
        settlementService,
        amazonAdapter,
        shopifyAdapter,
        threePLAdapter,
        erpAdapter,
    ];

    var sandbox = builder.AddDotnetService<Projects.Adapters_Sandbox>("sandbox");
    builder.WireAmazon(amazonAdapter, orderService, sandbox);
    builder.WireThreePL(threePLAdapter, fulfillmentService, inventoryService, sandbox);
    builder.WireSettlements(settlementService, orderService, shopifyAdapter);
    builder.WireErp(erpAdapter, inventoryService, sandbox);

    var operations = builder.AddOperationsConsole(orderService, fulfillmentService);
    var gateway = builder.AddGateway(infrastructure, backends).WithOperationsConsole(operations).WithStartupBanner();

    builder.WireShopify(shopifyAdapter, orderService, sandbox, gateway);

    builder.Build().Run();
    return 0;
}
catch (PreflightException ex)
{
    Console.Error.WriteLine($"Distribution.Aspire cannot start: {ex.Message}");
    return 1;
}
