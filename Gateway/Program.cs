using Distribution.Aspire.Gateway;
using Distribution.Aspire.Gateway.Admin;
using Distribution.Aspire.Gateway.Partners;
using Distribution.Aspire.Gateway.Routing;
using Distribution.Aspire.Gateway.Topology;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapTopologyApi();
app.MapPartnersAdminApi();
app.MapDeadLettersAdminApi();
app.MapPartnerErrorsAdminApi();
app.MapPartnerProxy();

app.Run();
