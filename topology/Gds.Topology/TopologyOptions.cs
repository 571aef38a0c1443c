namespace Gds.Topology;

/// <summary>
/// How the alerting topology is built: settings only, fixed before it starts. What changes while it runs (counters,
/// restorations, the partition count found at start) is in <see cref="Runtime.TopologyRuntime"/>.
/// </summary>
public sealed record TopologyOptions
{
    /// <summary>How often wall-clock time is let act on its own (rule deletions, absence, expiring windows).</summary>
    public TimeSpan PunctuationInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Walk every series on each punctuation (needed by absence rules); off saves work when none exist.</summary>
    public bool TickSeries { get; init; } = true;
    /// <summary>Late samples within this much event time are placed in order (adds up to this much alert latency).</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.Zero;
    /// <summary>
    /// How long the last transitions of a series are remembered after they were emitted, so that a replay of the
    /// metric topics (a restart, a failover, a reset to offset 0) emits none of them again. It must cover the
    /// metric topics' retention (7 days as gds kafka and TopicCatalog create them).
    /// </summary>
    public TimeSpan EmittedRetention { get; init; } = TimeSpan.FromDays(7);
    /// <summary>
    /// How often each task writes a heartbeat to gds.watchdog for the sink's watchdog (Watchdog:Interval); null
    /// writes none. Off by default so that embedding the topology (tests, benchmarks) adds no records of its own.
    /// </summary>
    public TimeSpan? HeartbeatInterval { get; init; }
}
