namespace Distribution.Aspire.Operations.Exceptions;

/// <summary>
/// How soon an exception needs a person, most urgent first (docs/operations.md has the table of what lands where).
/// </summary>
public enum ExceptionPriority
{
    /// <summary>Money or stock truth at risk: the ERP refused a document, a settlement does not reconcile, a
    /// marketplace refused our quantities (it may oversell), a shipment exception is past its SLA.</summary>
    Critical = 1,

    /// <summary>An order or shipment is stuck: an order that could not be mapped or was refused, a shipment
    /// exception, 3PL data that could not be applied, a refused settlement report.</summary>
    High = 2,

    /// <summary>A partner's payload was refused at the door (malformed, unknown type): the partner must resend.</summary>
    Normal = 3,

    /// <summary>Informational: clears itself (ERP item master data fixed by the next sync).</summary>
    Info = 4,
}

public static class ExceptionPriorities
{
    public static string Label(this ExceptionPriority priority) => priority switch
    {
        ExceptionPriority.Critical => "critical",
        ExceptionPriority.High => "high",
        ExceptionPriority.Normal => "normal",
        _ => "info",
    };

    public static string Meaning(this ExceptionPriority priority) => priority switch
    {
        ExceptionPriority.Critical => "money or stock at risk",
        ExceptionPriority.High => "order or shipment stuck",
        ExceptionPriority.Normal => "partner payload refused",
        _ => "informational",
    };
}
