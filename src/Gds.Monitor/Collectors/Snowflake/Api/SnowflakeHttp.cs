using System.Net;
using Gds.Monitor.Collectors.Snowflake.Auth;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Refit;

namespace Gds.Monitor.Collectors.Snowflake.Api;

/// <summary>
/// Builds the Refit client: HttpClient → retry (Polly via Microsoft.Extensions.Http.Resilience) → key-pair auth →
/// sockets. The retry sits outside the auth handler so each attempt is signed afresh.
/// </summary>
public static class SnowflakeHttp
{
    public static (ISnowflakeSqlApi Api, HttpClient Client) Create(Uri host, KeyPairJwt jwt, SnowflakeOptions options)
    {
        var retry = new ResilienceHandler(RetryPipeline(options))
        {
            InnerHandler = new KeyPairAuthHandler(jwt)
            {
                InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AutomaticDecompression = DecompressionMethods.All },
            },
        };
        var client = new HttpClient(retry) { BaseAddress = host, Timeout = Timeout.InfiniteTimeSpan };
        var settings = new RefitSettings(new SystemTextJsonContentSerializer(SqlApiJsonContext.Default.Options));
        return (RestService.For<ISnowflakeSqlApi>(client, settings), client);
    }

    /// <summary>
    /// Retries what Snowflake documents as "try again": 429 (rate limited), 503/504 and transport failures; waits as
    /// long as Retry-After asks, else backs off exponentially with jitter. Resubmitting a statement is safe because
    /// its POST carries the same requestId. 401, 422 and other answers are final and go back to the caller.
    /// </summary>
    public static ResiliencePipeline<HttpResponseMessage> RetryPipeline(SnowflakeOptions options) =>
        new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException } => true,
                    { Result.StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout } => true,
                    _ => false,
                }),
            })
            .Build();
}
