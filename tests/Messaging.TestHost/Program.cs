using Distribution.Aspire.Messaging.TestHost;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
WidgetService.Configure(builder);

var app = builder.Build();

app.MapDefaultEndpoints();
WidgetService.Map(app);

app.Run();
