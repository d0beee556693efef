using System.Diagnostics;
using OpenTelemetry;

namespace Distribution.Aspire.ServiceDefaults.Correlation;

/// <summary>Stamps every span started under a correlation id with it, so a search by id finds the whole trace.</summary>
internal sealed class CorrelationActivityProcessor : BaseProcessor<Activity>
{
    public override void OnStart(Activity data)
    {
        if (CorrelationContext.Current is { } correlationId)
        {
            data.SetTag(CorrelationContext.TagName, correlationId);
        }
    }
}
