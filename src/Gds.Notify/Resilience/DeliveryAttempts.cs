using Gds.Notify.Client;

namespace Gds.Notify.Resilience;

/// <summary>What happened so far to one notification across all its rounds: attempt count, last answer, start time.</summary>
public sealed class DeliveryAttempts
{
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;
    public int Count { get; private set; }
    public AttemptResult? Last { get; private set; }
    public DateTimeOffset? LastAt { get; private set; }

    internal void Record(AttemptResult result)
    {
        Count++;
        Last = result;
        LastAt = DateTimeOffset.UtcNow;
    }

    /// <summary>What is left of the last Retry-After the service sent, if any.</summary>
    public TimeSpan? RemainingRetryAfter(TimeSpan cap)
    {
        if (Last?.RetryAfter is not { } ra || LastAt is not { } at) return null;
        var left = (ra < cap ? ra : cap) - (DateTimeOffset.UtcNow - at);
        return left > TimeSpan.Zero ? left : null;
    }
}
