using System.Net.Http.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Distribution.Aspire.AppHost;

public static class DeadLetterCommands
{
    /// <summary>
    /// A dashboard button on the service: replays every pending dead letter through the service's admin API
    /// (<c>POST /admin/dead-letters:replay</c>), enabled while the service is healthy.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> WithReplayDeadLettersCommand(this IResourceBuilder<ExecutableResource> service, string adminKey)
    {
        var endpoint = service.GetEndpoint("http");
        return service.WithCommand(
            "replay-dead-letters",
            "Replay dead letters",
            async context =>
            {
                using var client = new HttpClient { BaseAddress = new Uri(endpoint.Url) };
                client.DefaultRequestHeaders.Add("X-Admin-Key", adminKey);
                using var response = await client.PostAsJsonAsync("/admin/dead-letters:replay", new { }, context.CancellationToken);
                var body = await response.Content.ReadAsStringAsync(context.CancellationToken);
                return response.IsSuccessStatusCode
                    ? new ExecuteCommandResult { Success = true, Message = body }
                    : new ExecuteCommandResult { Success = false, Message = $"{(int)response.StatusCode}: {body}" };
            },
            new CommandOptions
            {
                Description = "Put every pending dead letter of this service back on its way (same event ids; handled ones are skipped).",
                IconName = "ArrowRepeatAll",
                UpdateState = context => context.ResourceSnapshot.HealthStatus == HealthStatus.Healthy ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
            });
    }
}
