using Distribution.Aspire.Operations.DeadLetters;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Distribution.Aspire.Operations.Pages.DeadLetters;

public sealed class DeadLetterDetailModel(DeadLetterDesk desk) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Service { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public string? Record { get; private set; }

    public string? Failure { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        (Record, Failure) = await desk.GetAsync(Service, Id, cancellationToken);
        if (Record is null)
        {
            Response.StatusCode = Failure is null ? StatusCodes.Status404NotFound : StatusCodes.Status502BadGateway;
        }
    }
}
