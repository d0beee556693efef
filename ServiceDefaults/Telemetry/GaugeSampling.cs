using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Distribution.Aspire.ServiceDefaults.Telemetry;

/// <summary>Reads business state (queue depths, ages) from the database into <see cref="SampledGauge{T}"/>s.</summary>
public interface IGaugeSampler
{
    Task SampleAsync(CancellationToken cancellationToken);
}

public static class GaugeSampling
{
    /// <summary>How often samplers run, <c>Telemetry:SampleSeconds</c> (default 15).</summary>
    public const string IntervalSetting = "Telemetry:SampleSeconds";

    /// <summary>
    /// Registers <typeparamref name="TSampler"/> as a singleton (tests call <see cref="IGaugeSampler.SampleAsync"/>
    /// directly) and runs it on the shared interval in the background.
    /// </summary>
    public static IServiceCollection AddGaugeSampler<TSampler>(this IServiceCollection services) where TSampler : class, IGaugeSampler
    {
        services.TryAddSingleton<TSampler>();
        services.AddSingleton<IHostedService>(provider => new GaugeSamplingService<TSampler>(
            provider.GetRequiredService<TSampler>(),
            provider.GetRequiredService<IConfiguration>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetRequiredService<ILogger<GaugeSamplingService<TSampler>>>()));
        return services;
    }
}

internal sealed partial class GaugeSamplingService<TSampler>(TSampler sampler, IConfiguration configuration, TimeProvider time, ILogger<GaugeSamplingService<TSampler>> logger)
    : BackgroundService where TSampler : IGaugeSampler
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = configuration.GetValue<double?>(GaugeSampling.IntervalSetting) ?? 15;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(seconds, 0.1)), time);
        do
        {
            try
            {
                await sampler.SampleAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // A failed sample keeps the previous values; the next tick tries again.
                LogFailed(e, typeof(TSampler).Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gauge sampler {Sampler} failed; keeping its last values")]
    private partial void LogFailed(Exception exception, string sampler);
}
