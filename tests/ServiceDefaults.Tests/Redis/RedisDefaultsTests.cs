using Distribution.Aspire.ServiceDefaults.Redis;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distribution.Aspire.ServiceDefaults.Tests.Redis;

public sealed class RedisDefaultsTests(TestServers servers)
{
    [Fact]
    public async Task A_service_reads_Redis_replies_on_the_thread_pool()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["ConnectionStrings:redis"] = servers.RedisConnectionString;
        builder.AddServiceDefaults();
        builder.AddRedisClient("redis");
        await using var app = builder.Build();

        var options = app.Services.GetRequiredService<IOptions<ConfigurationOptions>>().Value;
        var redis = app.Services.GetRequiredService<IConnectionMultiplexer>();

        Assert.Same(SocketManager.ThreadPool, options.SocketManager);
        Assert.True(await redis.GetDatabase().PingAsync() >= TimeSpan.Zero);
    }

    [Fact]
    public void A_socket_manager_a_service_chose_itself_is_kept()
    {
        using var own = new SocketManager("own");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["ConnectionStrings:redis"] = servers.RedisConnectionString;
        builder.AddServiceDefaults();
        builder.AddRedisClient("redis", configureOptions: options => options.SocketManager = own);
        using var app = builder.Build();

        Assert.Same(own, app.Services.GetRequiredService<IOptions<ConfigurationOptions>>().Value.SocketManager);
    }

    [Fact]
    public void A_further_connection_to_the_same_server_reads_on_the_thread_pool_too()
    {
        var options = RedisDefaults.For("127.0.0.1:6390,abortConnect=false,connectTimeout=250");

        Assert.Same(SocketManager.ThreadPool, options.SocketManager);
        Assert.Equal("127.0.0.1:6390", Assert.Single(options.EndPoints).ToString());
        Assert.Equal(250, options.ConnectTimeout);
    }

    [Fact]
    public void Redis_errors_timeouts_and_commands_cancelled_by_a_reconnect_count_as_redis_unavailable_and_nothing_else_does()
    {
        Assert.True(RedisDefaults.IsUnavailable(new RedisConnectionException(ConnectionFailureType.SocketFailure, "down")));
        Assert.True(RedisDefaults.IsUnavailable(new RedisTimeoutException("slow", CommandStatus.Sent)));
        Assert.True(RedisDefaults.IsUnavailable(new TaskCanceledException()));
        Assert.False(RedisDefaults.IsUnavailable(new InvalidOperationException("a bug")));
        Assert.False(RedisDefaults.IsUnavailable(new ArgumentException("bad input")));
    }
}
