using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Refit;

namespace Gds.Warehouse.Snowflake;

/// <summary>
/// Builds the Refit client for the SQL API: key-pair JWT on every request and, around it, retries with
/// exponential back-off (honouring Retry-After) for 429, 408, 5xx and network failures. Resubmitting a
/// statement is safe because each carries its requestId with retry=true.
/// </summary>
public static class SnowflakeClientFactory
{
    public static (ServiceProvider Services, SnowflakeStatementClient Client) Create(SnowflakeConnection connection, TimeProvider? time = null)
    {
        var jwt = new KeyPairJwt(connection.Account, connection.User, connection.PrivateKey, time);
        var services = new ServiceCollection();
        var http = services.AddRefitGeneratedClient<ISnowflakeSqlApi>(SnowflakeJsonContext.Default)
            .ConfigureHttpClient(c =>
            {
                c.BaseAddress = connection.BaseAddress;
                // Per-attempt timeouts live in the resilience pipeline; this only bounds a whole retried call.
                c.Timeout = Timeout.InfiniteTimeSpan;
            });
        // Registered first, so it wraps the auth handler: every retry gets a current token.
        http.AddResilienceHandler("snowflake-sql-api", b => b
                .AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = connection.MaxRetries,
                    Delay = connection.RetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldRetryAfterHeader = true,
                })
                .AddTimeout(TimeSpan.FromSeconds(90)));
        http.AddHttpMessageHandler(() => new KeyPairAuthHandler(jwt));
        var provider = services.BuildServiceProvider();
        return (provider, new SnowflakeStatementClient(provider.GetRequiredService<ISnowflakeSqlApi>(), connection, time));
    }
}
