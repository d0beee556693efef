namespace Distribution.Aspire.Adapters.Amazon.Orders;

/// <summary>Amazon's data cannot become a canonical order; retrying will not help, an operator must look.</summary>
public sealed class UnmappableOrderException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
