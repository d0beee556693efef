namespace Distribution.Aspire.Operations.Partners;

/// <summary>One error answer the gateway gave a partner.</summary>
public sealed record ErrorSample(DateTimeOffset At, int Status, string RouteGroup, string? Code, string? CorrelationId);

/// <summary>A partner's error answers in the last hour, from the gateway.</summary>
public sealed record PartnerErrors(long Total, IReadOnlyDictionary<string, long> ByStatus, IReadOnlyList<ErrorSample> Recent)
{
    public static readonly PartnerErrors None = new(0, new Dictionary<string, long>(), []);
}

/// <summary><c>ok</c>, <c>breached</c> (with what), or <c>none</c> when no threshold applies to the partner.</summary>
public sealed record SlaState(string State, IReadOnlyList<string> Breaches);

/// <summary>A partner as operators see it on the console: registry entry, recent errors, exceptions and SLA state.</summary>
public sealed record PartnerRow(
    string PartnerId,
    string Kind,
    string Channel,
    string Status,
    IReadOnlyList<string> Scopes,
    int PerSecond,
    int Burst,
    int? DailyQuota,
    string? ShopDomain,
    int ActiveKeys,
    PartnerErrors Errors,
    int OpenExceptions,
    DateTimeOffset? OldestException,
    SlaState Sla);
