using Distribution.Aspire.Messaging;
using Distribution.Aspire.OrderService;
using Distribution.Aspire.OrderService.Api.Grpc;
using Distribution.Aspire.OrderService.Api.Json;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.ServiceDefaults.Sla;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGrpcDefaults();
app.MapMessagingEndpoints();
app.MapOrdersApi();
app.MapSlaBreachesApi();
app.MapGrpcService<OrdersGrpcService>();

app.Run();
