using Distribution.Aspire.Operations.DeadLetters;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Distribution.Aspire.Operations.Pages.DeadLetters;

/// <summary>Every service's dead letters; replay and discard are antiforgery-checked form posts, answered with a redirect.</summary>
public sealed class DeadLettersModel(DeadLetterDesk desk, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public bool All { get; set; }

    [TempData]
    public string? Message { get; set; }

    [TempData]
    public bool Succeeded { get; set; }

    public DeadLetterBoard Board { get; private set; } = new([], [], null);

    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Now = time.GetUtcNow();
        Board = await desk.ListAsync(All, cancellationToken);
    }

    public Task<IActionResult> OnPostReplayAsync(string service, Guid id, CancellationToken cancellationToken) =>
        ActAsync(DeadLetterAction.Replay, service, id, cancellationToken);

    public Task<IActionResult> OnPostDiscardAsync(string service, Guid id, CancellationToken cancellationToken) =>
        ActAsync(DeadLetterAction.Discard, service, id, cancellationToken);

    private async Task<IActionResult> ActAsync(DeadLetterAction action, string service, Guid id, CancellationToken cancellationToken)
    {
        var result = await desk.ActAsync(action, service, id, cancellationToken);
        (Message, Succeeded) = (result.Message, result.Succeeded);
        return RedirectToPage(new { All = All ? true : (bool?)null });
    }
}
