using Distribution.Aspire.Operations.Orders;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Distribution.Aspire.Operations.Pages.Orders;

public sealed class OrderTimelineModel(OrderTimeline timeline) : PageModel
{
    private const int MaxQueryLength = 64;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public OrderSearchResult? Result { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Q))
        {
            return;
        }

        Result = Q.Length > MaxQueryLength
            ? new OrderSearchResult(null, [], $"An order id or channel order id has at most {MaxQueryLength} characters.")
            : await timeline.SearchAsync(Q, cancellationToken);
        if (Result is { Timeline: null, Matches.Count: 0, Failure: null })
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }
}
