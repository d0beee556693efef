using Distribution.Aspire.Gateway;
using Distribution.Aspire.Gateway.Topology;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapTopologyApi();

app.Run();
