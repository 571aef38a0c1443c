using Gds.Notify.Client;

namespace Gds.Notify.Resilience;

/// <summary>How one round of attempts ended.</summary>
public enum RoundResult
{
    /// <summary>2xx.</summary>
    Delivered,
    /// <summary>A 4xx (not 408/429) or 3xx: the request is wrong, retrying will not help.</summary>
    Rejected,
    /// <summary>The service could not take it now (attempts or round time used up, or the breaker is open).</summary>
    Unavailable,
}

public sealed record RoundOutcome(RoundResult Result, AttemptResult? Last, bool BreakerOpen = false, TimeSpan? RetryAfter = null);
