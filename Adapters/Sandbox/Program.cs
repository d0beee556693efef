using Distribution.Aspire.Adapters.Sandbox.Amazon;
using Distribution.Aspire.Adapters.Sandbox.Erp;
using Distribution.Aspire.Adapters.Sandbox.Shopify;
using Distribution.Aspire.Adapters.Sandbox.ThreePL;

// Local simulators of the partners (Shopify, Amazon SP-API, 3PLs, the ERP) so the topology runs
// with no outside network. Each simulator lives in its own folder and maps its own routes.
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddAmazonSandbox();
builder.AddShopifySandbox();
builder.AddThreePLSandbox();
builder.AddErpSandbox();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapAmazonSandbox();
app.MapShopifySandbox();
app.MapThreePLSandbox();
app.MapErpSandbox();

app.Run();
