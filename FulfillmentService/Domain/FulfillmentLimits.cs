namespace Distribution.Aspire.FulfillmentService.Domain;

/// <summary>Documented limits of one request (docs/fulfillment.md). Beyond them a request is refused, not truncated.</summary>
public static class FulfillmentLimits
{
    public const int MaxIdLength = 64;
    public const int MaxReferenceLength = 128;
    public const int MaxDetailLength = 500;
    public const int MaxLines = 500;
    public const int MaxPackages = 200;
    public const int MaxQuantity = 1_000_000;
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    public const int MaxBodyBytes = 64 * 1024;
}
