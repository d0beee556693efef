using Distribution.Aspire.Operations.Partners;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Distribution.Aspire.Operations.Pages.Partners;

public sealed class PartnersModel(PartnerBoard board, TimeProvider time) : PageModel
{
    public PartnerBoardView Board { get; private set; } = new([], null, null, []);

    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Now = time.GetUtcNow();
        Board = await board.CollectAsync(cancellationToken);
    }
}
