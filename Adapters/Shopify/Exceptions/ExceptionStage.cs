namespace Distribution.Aspire.Adapters.Shopify.Exceptions;

/// <summary>Where an item on the exceptions list was stopped.</summary>
public static class ExceptionStage
{
    public const string Intake = "intake";
    public const string Mapping = "mapping";
    public const string OrderService = "order_service";
    public const string Outbound = "outbound";
}
