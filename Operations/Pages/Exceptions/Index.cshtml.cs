using Distribution.Aspire.Operations.Exceptions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Distribution.Aspire.Operations.Pages.Exceptions;

public sealed class ExceptionsModel(ExceptionBoard board, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Priority { get; set; }

    public ExceptionBoardView Board { get; private set; } = new([], []);

    public IReadOnlyList<OperatorException> Shown { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Now = time.GetUtcNow();
        Board = await board.CollectAsync(cancellationToken);
        Shown = string.IsNullOrEmpty(Priority) ? Board.Items : [.. Board.Items.Where(i => i.Priority.Label() == Priority)];
    }
}
