using System.Globalization;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Operations.Partners;

/// <summary>
/// A partner's SLA from <c>Operations:Sla:&lt;partnerId&gt;</c>, each threshold falling back to
/// <c>Operations:Sla:default</c>: breached when any threshold is exceeded, ok when none is, none when no threshold
/// applies.
/// </summary>
public sealed class SlaPolicy(IOptions<OperationsOptions> options)
{
    public const string DefaultEntry = "default";

    public SlaState Evaluate(string partnerId, long errorsLastHour, int openExceptions, TimeSpan? oldestExceptionAge)
    {
        var sla = options.Value.Sla;
        var own = sla.GetValueOrDefault(partnerId);
        var fallback = sla.GetValueOrDefault(DefaultEntry);
        var maxErrors = own?.MaxErrorsPerHour ?? fallback?.MaxErrorsPerHour;
        var maxExceptions = own?.MaxOpenExceptions ?? fallback?.MaxOpenExceptions;
        var maxAge = own?.MaxExceptionAgeHours ?? fallback?.MaxExceptionAgeHours;
        if (maxErrors is null && maxExceptions is null && maxAge is null)
        {
            return new SlaState("none", []);
        }

        var breaches = new List<string>();
        if (errorsLastHour > maxErrors)
        {
            breaches.Add($"{errorsLastHour} errors in the last hour (at most {maxErrors})");
        }

        if (openExceptions > maxExceptions)
        {
            breaches.Add($"{openExceptions} open exceptions (at most {maxExceptions})");
        }

        if (oldestExceptionAge?.TotalHours > maxAge)
        {
            breaches.Add(string.Create(CultureInfo.InvariantCulture,
                $"oldest open exception {oldestExceptionAge.Value.TotalHours:0.#} h old (at most {maxAge} h)"));
        }

        return new SlaState(breaches.Count == 0 ? "ok" : "breached", breaches);
    }
}
