using System.Runtime.CompilerServices;

namespace Gds.Topology;

/// <summary>How the alerting topology is built and run.</summary>
public sealed class TopologyOptions
{
    public string ApplicationId { get; set; } = "gds-streams";
    /// <summary>How often wall-clock time is let act on its own (rule deletions, absence, expiring windows).</summary>
    public TimeSpan PunctuationInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Walk every series on each punctuation (needed by absence rules); off saves work when none exist.</summary>
    public bool TickSeries { get; set; } = true;
    /// <summary>Late samples within this much event time are placed in order (adds up to this much alert latency).</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.Zero;
    /// <summary>
    /// Partitions of the metric topics: a task seeds absence series only for instances whose key hashes to its own
    /// partition, so a never-seen instance alerts once, not once per task. 0 = one task sees everything.
    /// </summary>
    public int Partitions { get; set; }
    /// <summary>
    /// How long the last transitions of a series are remembered after they were emitted, so that a replay of the
    /// metric topics (a restart, a failover, a reset to offset 0) emits none of them again. It must cover the
    /// metric topics' retention (7 days as gds kafka and TopicCatalog create them).
    /// </summary>
    public TimeSpan EmittedRetention { get; set; } = TimeSpan.FromDays(7);
    /// <summary>
    /// How often each task writes a heartbeat to gds.watchdog for the sink's watchdog (Watchdog:Interval); null
    /// writes none. Off by default so that embedding the topology (tests, benchmarks) adds no records of its own.
    /// </summary>
    public TimeSpan? HeartbeatInterval { get; set; }
    public TopologyCounters Counters { get; } = new();
    /// <summary>Fed by the host from Streamiz's restore events; a task does not tick while its stores restore.</summary>
    public Evaluation.RestorationTracker Restoration { get; } = new();
}

/// <summary>What the topology has done so far, for progress displays and the process's /metrics.</summary>
public sealed class TopologyCounters
{
    private long _firing, _resolved, _other, _dlq, _samples, _repeats;
    // Emitted events are few (transitions, not samples): a dictionary look-up each costs nothing that matters.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string RuleId, string Severity, string Status), StrongBox<long>> _byRule = new();

    /// <summary>
    /// Told how long each metric record took to evaluate, in Stopwatch ticks, when set (the /metrics histogram).
    /// Null, as without --http, costs the evaluator no clock reading at all.
    /// </summary>
    public Action<long>? EvaluationTicks { get; set; }

    /// <summary>Events emitted to gds.alerts per rule, severity and status, since the process started.</summary>
    public IEnumerable<(string RuleId, string Severity, string Status, long Count)> EmittedByRule =>
        _byRule.Select(kv => (kv.Key.RuleId, kv.Key.Severity, kv.Key.Status, Interlocked.Read(ref kv.Value.Value)));

    /// <summary>Metric records evaluated (readable ones).</summary>
    public long Samples => Interlocked.Read(ref _samples);

    public long Firing => Interlocked.Read(ref _firing);
    public long Resolved => Interlocked.Read(ref _resolved);
    public long OtherEvents => Interlocked.Read(ref _other);
    /// <summary>Records (metrics, acks, heartbeats) sent to gds.metrics.dlq because they could not be read.</summary>
    public long DeadLetteredMetrics => Interlocked.Read(ref _dlq);

    /// <summary>Events not forwarded because the series had already emitted them (records read again).</summary>
    public long RepeatsSuppressed => Interlocked.Read(ref _repeats);

    internal void Repeated() => Interlocked.Increment(ref _repeats);

    internal void DeadLettered() => Interlocked.Increment(ref _dlq);

    internal void Evaluated() => Interlocked.Increment(ref _samples);

    internal void Emitted(Contracts.Alerts.AlertEvent e)
    {
        Interlocked.Increment(ref _byRule.GetOrAdd((e.RuleId, e.Severity, e.Status), static _ => new StrongBox<long>()).Value);
        Emitted(e.Status);
    }

    internal void Emitted(string status)
    {
        if (status == Contracts.Alerts.AlertStatus.Firing) Interlocked.Increment(ref _firing);
        else if (status == Contracts.Alerts.AlertStatus.Resolved) Interlocked.Increment(ref _resolved);
        else Interlocked.Increment(ref _other);
    }
}
