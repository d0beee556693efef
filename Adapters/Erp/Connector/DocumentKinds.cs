namespace Distribution.Aspire.Adapters.Erp.Connector;

/// <summary>The kinds of document the adapter posts (the queue's and the metrics' <c>kind</c>), and item-master entries.</summary>
public static class DocumentKinds
{
    public const string Journal = "journal";
    public const string SalesShipment = "sales_shipment";
    public const string ReturnReceipt = "return_receipt";
    public const string Item = "item";

    public static readonly string[] Postable = [Journal, SalesShipment, ReturnReceipt];
}
