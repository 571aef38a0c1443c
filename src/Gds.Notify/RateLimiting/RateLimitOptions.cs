namespace Gds.Notify.RateLimiting;

/// <summary>
/// A token bucket per rule + instance, so a flapping alert cannot flood its recipients. Events over the limit are
/// held back and summarised in the next notification of that rule + instance; none is dropped.
/// </summary>
public sealed class RateLimitOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Bucket size: notifications one rule + instance may send in a burst.</summary>
    public int Burst { get; set; } = 5;

    /// <summary>Tokens added every <see cref="Period"/>.</summary>
    public int TokensPerPeriod { get; set; } = 1;

    public TimeSpan Period { get; set; } = TimeSpan.FromMinutes(1);
}
