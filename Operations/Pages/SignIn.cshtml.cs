using System.Security.Claims;
using Distribution.Aspire.Operations.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Distribution.Aspire.Operations.Pages;

[EnableRateLimiting(SignInDefaults.RateLimitPolicy)]
public sealed partial class SignInModel(OperatorKey operatorKey, OperationsTelemetry telemetry, ILogger<SignInModel> logger) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool Refused { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? key)
    {
        if (!operatorKey.Matches(key))
        {
            telemetry.SignIn(false);
            SignInRefused(logger, HttpContext.Connection.RemoteIpAddress?.ToString());
            Refused = true;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        telemetry.SignIn(true);
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, SignInDefaults.OperatorName)], CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : Url.Page("/Exceptions/Index")!);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Operations console sign-in refused (wrong key) from {Client}")]
    private static partial void SignInRefused(ILogger logger, string? client);
}
