namespace Distribution.Aspire.Adapters.Erp.Postings;

/// <summary>An event the adapter cannot turn into an ERP document (an amount that is not a decimal); never sent.</summary>
public sealed class UnmappableException(string message) : Exception(message);
