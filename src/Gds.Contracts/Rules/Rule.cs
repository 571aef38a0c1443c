namespace Gds.Contracts.Rules;

/// <summary>
/// An alerting rule as it travels on gds.rules (key = Id; a tombstone deletes it). Field names are those of the
/// rules YAML; durations are strings such as "30s", "2m", "6h", "30d" (see <see cref="DurationText"/>).
/// Fields of the other kinds stay null on a rule that does not use them.
/// </summary>
public sealed record Rule
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("kind")] public required string Kind { get; init; }
    [JsonPropertyName("selector")] public required RuleSelector Selector { get; init; }
    [JsonPropertyName("severity")] public string Severity { get; init; } = Severities.Warning;
    [JsonPropertyName("labels")] public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    [JsonPropertyName("annotations")] public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();
    [JsonPropertyName("routing_key")] public string? RoutingKey { get; init; }

    // threshold
    [JsonPropertyName("op")] public string? Op { get; init; }
    [JsonPropertyName("value")] public double? Value { get; init; }
    [JsonPropertyName("rate")] public bool Rate { get; init; }
    /// <summary>A counter: judge the increase of selector.metric per increase of this one instead of per second.</summary>
    [JsonPropertyName("per")] public string? Per { get; init; }
    [JsonPropertyName("resolve_value")] public double? ResolveValue { get; init; }

    // lifecycle, every kind
    [JsonPropertyName("for")] public string? For { get; init; }
    [JsonPropertyName("keep_firing_for")] public string? KeepFiringFor { get; init; }
    [JsonPropertyName("repeat_interval")] public string? RepeatInterval { get; init; }
    [JsonPropertyName("group_by")] public IReadOnlyList<string>? GroupBy { get; init; }
    [JsonPropertyName("escalation")] public IReadOnlyList<EscalationStep>? Escalation { get; init; }

    // burn_rate
    [JsonPropertyName("objective")] public double? Objective { get; init; }
    [JsonPropertyName("period")] public string? Period { get; init; }
    [JsonPropertyName("bad_metric")] public string? BadMetric { get; init; }
    [JsonPropertyName("total_metric")] public string? TotalMetric { get; init; }
    [JsonPropertyName("windows")] public IReadOnlyList<BurnRateWindow>? Windows { get; init; }

    // anomaly
    [JsonPropertyName("warmup")] public string? Warmup { get; init; }
    [JsonPropertyName("sensitivity")] public double? Sensitivity { get; init; }
    [JsonPropertyName("direction")] public string? Direction { get; init; }
    [JsonPropertyName("seasonality")] public string? Seasonality { get; init; }

    // absence
    [JsonPropertyName("timeout")] public string? Timeout { get; init; }
    [JsonPropertyName("scope")] public string? Scope { get; init; }
}

/// <summary>Which samples a rule looks at. Null or empty fields match everything.</summary>
public sealed record RuleSelector
{
    [JsonPropertyName("metric")] public string? Metric { get; init; }
    [JsonPropertyName("database_type")] public string? DatabaseType { get; init; }
    [JsonPropertyName("environment")] public string? Environment { get; init; }
    /// <summary>A glob on instance_id: '*' any run of characters, '?' one character.</summary>
    [JsonPropertyName("instance")] public string? Instance { get; init; }
    [JsonPropertyName("tags")] public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

public sealed record BurnRateWindow
{
    [JsonPropertyName("long")] public required string Long { get; init; }
    [JsonPropertyName("short")] public required string Short { get; init; }
    [JsonPropertyName("factor")] public required double Factor { get; init; }
    [JsonPropertyName("severity")] public string? Severity { get; init; }
}

public sealed record EscalationStep
{
    [JsonPropertyName("after")] public required string After { get; init; }
    [JsonPropertyName("severity")] public string? Severity { get; init; }
    [JsonPropertyName("routing_key")] public string? RoutingKey { get; init; }
}

public static class RuleKinds
{
    public const string Threshold = "threshold";
    public const string BurnRate = "burn_rate";
    public const string Anomaly = "anomaly";
    public const string Absence = "absence";
    public static readonly IReadOnlyList<string> All = [Threshold, BurnRate, Anomaly, Absence];
}

public static class Severities
{
    public const string Info = "INFO";
    public const string Warning = "WARNING";
    public const string Critical = "CRITICAL";
    public static readonly IReadOnlyList<string> All = [Info, Warning, Critical];

    /// <summary>Orders severities so escalation can only raise one.</summary>
    public static int Rank(string severity) => severity switch { Info => 0, Warning => 1, Critical => 2, _ => -1 };
}
