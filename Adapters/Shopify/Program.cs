using Distribution.Aspire.Adapters.Shopify;
using Distribution.Aspire.Adapters.Shopify.Admin;
using Distribution.Aspire.Adapters.Shopify.Webhooks;
using Distribution.Aspire.Messaging;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.ServiceDefaults.Sla;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGrpcDefaults();
app.MapMessagingEndpoints();
app.MapShopifyWebhooksApi();
app.MapShopifyAdminApi();
app.MapSlaBreachesApi();

app.Run();
