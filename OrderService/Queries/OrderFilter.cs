using Distribution.Aspire.OrderService.Domain;

namespace Distribution.Aspire.OrderService.Queries;

/// <summary>
/// A list query. <see cref="PartnerId"/> null lists every partner's orders (operators over gRPC only; the
/// partner surface always sets it). Created bounds are inclusive.
/// </summary>
public sealed record OrderFilter(
    string? PartnerId = null,
    string? Channel = null,
    string? ChannelOrderId = null,
    IReadOnlyList<OrderStatus>? Statuses = null,
    DateTimeOffset? CreatedBefore = null,
    DateTimeOffset? CreatedAfter = null,
    int PageSize = 0,
    string? PageToken = null)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
}
