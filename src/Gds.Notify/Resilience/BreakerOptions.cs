namespace Gds.Notify.Resilience;

/// <summary>
/// The circuit breaker around gds_notification. It opens when at least <see cref="FailureRatio"/> of the attempts
/// in <see cref="SamplingDuration"/> failed (5xx, timeouts, connection errors; 4xx and 429 are answers, not
/// failures) and at least <see cref="MinimumThroughput"/> attempts were made; after <see cref="BreakDuration"/>
/// one probe is let through.
/// </summary>
public sealed class BreakerOptions
{
    public double FailureRatio { get; set; } = 0.5;
    public int MinimumThroughput { get; set; } = 10;
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
