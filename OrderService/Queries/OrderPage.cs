using Distribution.Aspire.OrderService.Domain;

namespace Distribution.Aspire.OrderService.Queries;

/// <summary>One page, newest first; <see cref="NextPageToken"/> is null on the last page.</summary>
public sealed record OrderPage(IReadOnlyList<Order> Orders, string? NextPageToken);
