using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Distribution.Aspire.Operations.Tests;

/// <summary>The real operations console (its own Program) on Kestrel at a port chosen before it starts.</summary>
public sealed class OperationsFactory(IDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    public static OperationsFactory Start(IDictionary<string, string?> settings)
    {
        var factory = new OperationsFactory(settings);
        factory.UseKestrel();
        factory.StartServer();
        return factory;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
