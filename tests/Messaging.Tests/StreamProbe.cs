using StackExchange.Redis;

namespace Distribution.Aspire.Messaging.Tests;

public static class StreamProbe
{
    /// <summary>Entries delivered to the group and not yet acknowledged; none while the consumer has not created the group yet.</summary>
    public static async Task<long> PendingAsync(this IConnectionMultiplexer redis, string stream, string group)
    {
        try
        {
            return (await redis.GetDatabase().StreamPendingAsync(stream, group)).PendingMessageCount;
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            return 0;
        }
    }
}
