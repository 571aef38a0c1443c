using Gds.Notify.Client;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Gds.Notify.Resilience;

/// <summary>
/// The Polly pipelines around gds_notification.
/// <para>Round (per notification, bounded): round timeout → retry (exponential backoff, full jitter, Retry-After
/// honoured) → circuit breaker (shared by every delivery: it describes the service) → attempt timeout.</para>
/// <para>Hold (outside the round): while the service is unavailable the notification waits and starts a new round,
/// as long as it takes or until <see cref="RetryOptions.GiveUpAfter"/>; each wait is the breaker's remaining break,
/// or the service's Retry-After, plus jitter.</para>
/// </summary>
public sealed class ServicePipelines
{
    public static readonly ResiliencePropertyKey<DeliveryAttempts> AttemptsKey = new("gds.attempts");

    private readonly RetryOptions _retry;
    private readonly CircuitBreakerStateProvider _breakerState = new();

    public ServicePipelines(RetryOptions retry, BreakerOptions breaker, SinkStats stats, ILogger log, TimeProvider? time = null)
    {
        _retry = retry;
        Round = new ResiliencePipelineBuilder<AttemptResult> { TimeProvider = time ?? TimeProvider.System }
            .AddTimeout(new TimeoutStrategyOptions { Timeout = retry.RoundTimeout })
            .AddRetry(new RetryStrategyOptions<AttemptResult>
            {
                MaxRetryAttempts = Math.Max(0, retry.MaxAttempts - 1),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is TimeoutRejectedException
                                                            || args.Outcome.Result is { IsTransient: true }),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    args.Outcome.Result?.RetryAfter is { } ra
                        ? (ra < retry.MaxRetryAfter ? ra : retry.MaxRetryAfter)
                        : FullJitter.Delay(args.AttemptNumber, retry.BaseDelay, retry.MaxDelay)),
                OnRetry = args =>
                {
                    log.LogDebug("attempt {Attempt} failed ({What}); next in {Delay}", args.AttemptNumber + 1,
                        args.Outcome.Result?.Describe() ?? args.Outcome.Exception?.GetType().Name, args.RetryDelay);
                    return default;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<AttemptResult>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is TimeoutRejectedException
                                                            || args.Outcome.Result is { IsServiceFailure: true }),
                FailureRatio = breaker.FailureRatio,
                MinimumThroughput = breaker.MinimumThroughput,
                SamplingDuration = breaker.SamplingDuration,
                BreakDuration = breaker.BreakDuration,
                StateProvider = _breakerState,
                OnOpened = args =>
                {
                    stats.SetBreakerOpen(true);
                    log.LogWarning("gds_notification looks down ({What}): circuit open for {Break}; events are held, CRITICAL ones also mailed",
                        args.Outcome.Result?.Describe() ?? args.Outcome.Exception?.GetType().Name, args.BreakDuration);
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    log.LogInformation("circuit half-open: probing gds_notification");
                    return default;
                },
                OnClosed = _ =>
                {
                    stats.SetBreakerOpen(false);
                    log.LogInformation("gds_notification answers again: circuit closed; held events are being delivered");
                    return default;
                },
            })
            .AddTimeout(new TimeoutStrategyOptions { Timeout = retry.AttemptTimeout })
            .Build();

        Hold = new ResiliencePipelineBuilder<RoundOutcome> { TimeProvider = time ?? TimeProvider.System }
            .AddRetry(new RetryStrategyOptions<RoundOutcome>
            {
                MaxRetryAttempts = int.MaxValue,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { Result: RoundResult.Unavailable } && !GaveUp(args.Context)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    (args.Outcome.Result?.RetryAfter ?? TimeSpan.Zero) + FullJitter.Delay(0, retry.HoldDelay, retry.HoldDelay)),
                OnRetry = args => OnHold?.Invoke(args.Context, args.Outcome.Result!, args.RetryDelay) ?? default,
            })
            .Build();
    }

    /// <summary>Bounded attempts at one notification.</summary>
    public ResiliencePipeline<AttemptResult> Round { get; }

    /// <summary>Rounds until delivered, rejected or given up.</summary>
    public ResiliencePipeline<RoundOutcome> Hold { get; }

    /// <summary>Called each time a notification is held for another round (the email fallback hooks in here).</summary>
    public Func<ResilienceContext, RoundOutcome, TimeSpan, ValueTask>? OnHold { get; set; }

    public CircuitState BreakerState => _breakerState.CircuitState;

    private bool GaveUp(ResilienceContext context) =>
        _retry.GiveUpAfter is { } limit
        && context.Properties.TryGetValue(AttemptsKey, out var attempts)
        && DateTimeOffset.UtcNow - attempts.StartedAt >= limit;
}
