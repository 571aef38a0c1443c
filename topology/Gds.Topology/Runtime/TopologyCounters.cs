using System.Runtime.CompilerServices;

namespace Gds.Topology.Runtime;

/// <summary>What the topology has done so far, for progress displays and the process's /metrics.</summary>
public sealed class TopologyCounters
{
    private long _firing, _resolved, _other, _dlq, _samples, _repeats;
    // Emitted events are few (transitions, not samples): a dictionary look-up each costs nothing that matters.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string RuleId, string Severity, string Status), StrongBox<long>> _byRule = new();

    /// <summary>
    /// Told how long each metric record took to evaluate, in Stopwatch ticks, when set (the /metrics histogram).
    /// Null, as without --http, costs the evaluate stage no clock reading at all.
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
