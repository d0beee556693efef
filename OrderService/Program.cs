using Distribution.Aspire.Messaging;
using Distribution.Aspire.OrderService;
using Distribution.Aspire.OrderService.Api.Grpc;
using Distribution.Aspire.OrderService.Api.Json;
using Distribution.Aspire.OrderService.Sla;
using Distribution.Aspire.ServiceDefaults.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGrpcDefaults();
app.MapMessagingEndpoints();
app.MapOrdersApi();
app.MapOrderSlaApi();
app.MapGrpcService<OrdersGrpcService>();

app.Run();
