using System.Text.Json.Serialization;

namespace Gds.Alerting.State;

/// <summary>
/// Everything remembered about one series of one rule (dedup key rule_id:instance_id:metric_name plus the
/// series labels, see <see cref="Rules.DedupKeys"/>): where its
/// alert is in the lifecycle, and what its kind needs (counter history, windows, baselines).
/// </summary>
public sealed class SeriesState
{
    [JsonPropertyName("rule_id")] public required string RuleId { get; set; }
    [JsonPropertyName("instance_id")] public required string InstanceId { get; set; }
    [JsonPropertyName("metric_name")] public required string MetricName { get; set; }
    [JsonPropertyName("rule_version")] public string RuleVersion { get; set; } = "";
    [JsonPropertyName("database_type")] public string? DatabaseType { get; set; }
    [JsonPropertyName("environment")] public string? Environment { get; set; }
    /// <summary>The series' own labels (part of its identity); null when it has none.</summary>
    [JsonPropertyName("labels")] public Dictionary<string, string>? Labels { get; set; }
    /// <summary>The instance's tags as of the newest sample: they describe it and may change without a new series.</summary>
    [JsonPropertyName("tags")] public Dictionary<string, string>? Tags { get; set; }
    /// <summary>Event time of the newest sample folded in.</summary>
    [JsonPropertyName("last_sample_at")] public DateTimeOffset LastSampleAt { get; set; }
    [JsonPropertyName("lifecycle")] public LifecycleState Lifecycle { get; set; } = new();
    [JsonPropertyName("kind")] public KindState? Kind { get; set; }
    /// <summary>
    /// Samples held back for the engine's grace period, oldest first (null when empty, so a store without
    /// grace never pays for it). Released in event-time order once the series' newest sample or a tick has
    /// moved the grace period past them.
    /// </summary>
    [JsonPropertyName("reorder")] public List<BufferedSample>? Reorder { get; set; }

    /// <summary>Event time of the newest sample seen, folded in or still held in the reorder buffer.</summary>
    [JsonIgnore]
    public DateTimeOffset NewestSeenAt =>
        Reorder is { Count: > 0 } r && r[^1].At > LastSampleAt ? r[^1].At : LastSampleAt;
}

/// <summary>One sample waiting in a series' reorder buffer; the rest of its identity is the series'.</summary>
public sealed class BufferedSample
{
    [JsonPropertyName("at")] public DateTimeOffset At { get; set; }
    [JsonPropertyName("metric")] public string Metric { get; set; } = "";
    [JsonPropertyName("value")] public double Value { get; set; }
}

public enum AlertPhase { Inactive, Pending, Firing }

/// <summary>The alert's place in inactive → pending → firing → resolved(= inactive), shared by every rule kind.</summary>
/// <remarks>
/// Every series of every rule holds one, so its times are kept as (ticks, offset) pairs rather than
/// DateTimeOffset? fields (24 bytes each): 10 bytes a time, the same values and JSON out.
/// </remarks>
public sealed class LifecycleState
{
    private CompactTime _activeAt, _firingSince, _lastBreachAt, _lastNotifiedAt;
    private double _lastValue;
    private bool _hasLastValue;

    [JsonPropertyName("phase")] public AlertPhase Phase { get; set; }
    /// <summary>When the condition started to hold (pending start, or firing start when for = 0).</summary>
    [JsonPropertyName("active_at")] public DateTimeOffset? ActiveAt { get => _activeAt.Value; set => _activeAt = new(value); }
    [JsonPropertyName("firing_since")] public DateTimeOffset? FiringSince { get => _firingSince.Value; set => _firingSince = new(value); }
    [JsonPropertyName("last_breach_at")] public DateTimeOffset? LastBreachAt { get => _lastBreachAt.Value; set => _lastBreachAt = new(value); }
    [JsonPropertyName("last_notified_at")] public DateTimeOffset? LastNotifiedAt { get => _lastNotifiedAt.Value; set => _lastNotifiedAt = new(value); }
    /// <summary>Re-notifications sent for the current firing episode.</summary>
    [JsonPropertyName("sequence")] public int Sequence { get; set; }
    [JsonPropertyName("last_value")]
    public double? LastValue
    {
        get => _hasLastValue ? _lastValue : null;
        set { _hasLastValue = value.HasValue; _lastValue = value.GetValueOrDefault(); }
    }
    [JsonPropertyName("last_expected")] public string? LastExpected { get; set; }
    [JsonPropertyName("last_detail")] public string? LastDetail { get; set; }
    /// <summary>Severity the current episode fired with (a kind may raise it, e.g. a burn-rate pair).</summary>
    [JsonPropertyName("severity")] public string? Severity { get; set; }
    /// <summary>Id of the episode's firing event, so every later event of it can point back (correlation).</summary>
    [JsonPropertyName("episode_id")] public string? EpisodeId { get; set; }

    /// <summary>A DateTimeOffset? in 10 bytes: its clock ticks + 1 (0 for none, so a default field is none) and offset in minutes.</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Pack = 2)]
    private readonly struct CompactTime(DateTimeOffset? t)
    {
        private readonly long _ticksPlusOne = t is { } v ? v.Ticks + 1 : 0;
        private readonly short _offsetMinutes = t is { } w ? (short)w.TotalOffsetMinutes : (short)0;

        public DateTimeOffset? Value => _ticksPlusOne == 0 ? null : new DateTimeOffset(_ticksPlusOne - 1, TimeSpan.FromMinutes(_offsetMinutes));
    }
}

/// <summary>A rule kind's own memory of a series; one subclass per kind, tagged by kind name in JSON.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$kind")]
[JsonDerivedType(typeof(Kinds.Threshold.ThresholdState), "threshold")]
[JsonDerivedType(typeof(Kinds.BurnRate.BurnRateState), "burn_rate")]
[JsonDerivedType(typeof(Kinds.Anomaly.AnomalyState), "anomaly")]
[JsonDerivedType(typeof(Kinds.Absence.AbsenceState), "absence")]
public abstract class KindState;
