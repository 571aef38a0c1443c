using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Refit;

namespace Gds.Snowflake;

/// <summary>
/// Builds the Refit client: HttpClient → retry and per-attempt timeout (Polly via Microsoft.Extensions.Http.Resilience)
/// → key-pair auth → sockets. The retry sits outside the auth handler so each attempt is signed afresh.
/// </summary>
public static class SnowflakeHttp
{
    public static (ISnowflakeSqlApi Api, HttpClient Client) Create(SnowflakeClientOptions options, KeyPairJwt jwt, TimeProvider? time = null)
    {
        var retry = new ResilienceHandler(RetryPipeline(options, time))
        {
            InnerHandler = new KeyPairAuthHandler(jwt)
            {
                InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AutomaticDecompression = DecompressionMethods.All },
            },
        };
        // Per-attempt timeouts live in the pipeline; the statement client bounds a whole statement.
        var client = new HttpClient(retry) { BaseAddress = options.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
        var settings = new RefitSettings(new SystemTextJsonContentSerializer(SnowflakeJsonContext.Default.Options));
        return (RestService.For<ISnowflakeSqlApi>(client, settings), client);
    }

    /// <summary>
    /// Retries what is worth trying again: 408, 429 (rate limited), 5xx, transport failures and attempts that timed
    /// out; waits as long as Retry-After asks, else backs off exponentially with jitter. Resubmitting a statement is
    /// safe because its POST carries the same requestId with retry=true. 401, 403, 422 and other answers are final
    /// and go back to the caller.
    /// </summary>
    public static ResiliencePipeline<HttpResponseMessage> RetryPipeline(SnowflakeClientOptions options, TimeProvider? time = null) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time ?? TimeProvider.System }
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = true,
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
}
