namespace Gds.Alerting.Engine;

/// <summary>How the engine treats time; the defaults keep a sample's effect immediate.</summary>
public sealed record AlertEngineOptions
{
    public static readonly AlertEngineOptions Default = new();

    /// <summary>
    /// How late a sample may arrive and still be placed by event time. Each series holds its samples back until
    /// its newest sample (or a tick's clock) is this far past them, then folds them in event-time order, so any
    /// shuffling of samples within the grace period yields exactly the same alert events. The price is latency:
    /// a breach is seen up to one grace period later. Zero (the default) folds every sample at once and drops a
    /// sample older than the series' newest.
    /// </summary>
    public TimeSpan Grace { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// Bounds the reorder buffer of one series whatever its sample rate: past this many held samples the oldest
    /// is folded early (a very fast series then has a shorter effective grace, never unbounded state).
    /// </summary>
    public int MaxBufferedPerSeries { get; init; } = 256;
}
