namespace Distribution.Aspire.FulfillmentService.Routing;

public static class NodeKinds
{
    public const string Warehouse = "warehouse";
    public const string ThreePL = "3pl";
}
