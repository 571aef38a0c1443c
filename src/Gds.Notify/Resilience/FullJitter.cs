namespace Gds.Notify.Resilience;

/// <summary>
/// Exponential backoff with full jitter (a uniformly random wait in [0, min(cap, base·2^n)]): of the jitter
/// schemes it spreads a crowd of retrying clients best, so a service coming back is not hit by all of them at once.
/// </summary>
public static class FullJitter
{
    public static TimeSpan Delay(int retryIndex, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var ceiling = Ceiling(retryIndex, baseDelay, maxDelay);
        return TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * ceiling.Ticks));
    }

    /// <summary>The upper bound of the n-th wait (0-based), without randomness.</summary>
    public static TimeSpan Ceiling(int retryIndex, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var factor = Math.Pow(2, Math.Min(retryIndex, 30));
        var ticks = Math.Min(maxDelay.Ticks, baseDelay.Ticks * factor);
        return TimeSpan.FromTicks((long)ticks);
    }
}
