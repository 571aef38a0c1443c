namespace Gds.Notify.Resilience;

/// <summary>
/// One delivery round: up to <see cref="MaxAttempts"/> POSTs within <see cref="RoundTimeout"/>, with exponential
/// backoff and full jitter between them (a server's Retry-After wins). When a round ends on a transient failure the
/// event is held, not dropped: the next round starts after <see cref="HoldDelay"/> (or when the breaker lets a probe
/// through), until it is delivered or <see cref="GiveUpAfter"/> has passed.
/// </summary>
public sealed class RetryOptions
{
    /// <summary>Attempts per round, the first included.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Backoff base: attempt n waits a random time in [0, min(MaxDelay, BaseDelay·2^(n-1))].</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest Retry-After honoured as asked; a longer one is cut to this.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Timeout of one POST.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time bound of one round of attempts.</summary>
    public TimeSpan RoundTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Pause between rounds while the service stays unavailable (jittered).</summary>
    public TimeSpan HoldDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Dead-letter an event that has failed transiently for this long. Null (the default) holds it until the service
    /// takes it: an outage never turns into lost alerts.
    /// </summary>
    public TimeSpan? GiveUpAfter { get; set; }
}
