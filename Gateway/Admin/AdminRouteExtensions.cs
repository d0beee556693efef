namespace Distribution.Aspire.Gateway.Admin;

public static class AdminRouteExtensions
{
    /// <summary>The <c>/admin</c> route group: every endpoint in it passes the admin key check.</summary>
    public static RouteGroupBuilder MapAdminGroup(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGroup("/admin").AddEndpointFilter<AdminKeyFilter>();
}
