using Distribution.Aspire.SettlementService;
using Distribution.Aspire.Messaging;
using Distribution.Aspire.ServiceDefaults.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGrpcDefaults();
app.MapMessagingEndpoints();

app.Run();
