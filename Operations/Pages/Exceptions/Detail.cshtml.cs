using Distribution.Aspire.Operations.Exceptions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Distribution.Aspire.Operations.Pages.Exceptions;

public sealed class ExceptionDetailModel(ExceptionBoard board) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Service { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string Source { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = "";

    public ExceptionDetailView? Detail { get; private set; }

    public string? Failure { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        (Detail, Failure) = await board.DetailAsync(Service, Source, Id, cancellationToken);
        if (Detail is null)
        {
            Response.StatusCode = Failure is null ? StatusCodes.Status404NotFound : StatusCodes.Status502BadGateway;
        }
    }
}
