namespace Gds.Contracts.Alerts;

/// <summary>
/// One alert state transition, the value of every gds.alerts record (key = instance_id). EventId is
/// deterministic: the same input gives the same id after a retry, a restart or a replay; the sink sends it as
/// message_id.
/// </summary>
public sealed record AlertEvent
{
    [JsonPropertyName("event_id")] public required string EventId { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("rule_id")] public required string RuleId { get; init; }
    [JsonPropertyName("rule_kind")] public string RuleKind { get; init; } = "threshold";
    [JsonPropertyName("dedup_key")] public required string DedupKey { get; init; }
    [JsonPropertyName("instance_id")] public required string InstanceId { get; init; }
    [JsonPropertyName("metric_name")] public required string MetricName { get; init; }
    [JsonPropertyName("database_type")] public string? DatabaseType { get; init; }
    [JsonPropertyName("environment")] public string? Environment { get; init; }
    [JsonPropertyName("severity")] public required string Severity { get; init; }
    [JsonPropertyName("value")] public double? Value { get; init; }
    /// <summary>What the rule expected, in words, e.g. "> 0.9" or "within 10.2 ± 3.1".</summary>
    [JsonPropertyName("expected")] public string? Expected { get; init; }
    [JsonPropertyName("summary")] public string? Summary { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("runbook_url")] public string? RunbookUrl { get; init; }
    [JsonPropertyName("dashboard_url")] public string? DashboardUrl { get; init; }
    /// <summary>The series' own labels (database, mode, ...), also part of <see cref="DedupKey"/>; null when it has none.</summary>
    [JsonPropertyName("series_labels")] public IReadOnlyDictionary<string, string>? SeriesLabels { get; init; }
    [JsonPropertyName("labels")] public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    [JsonPropertyName("routing_key")] public string? RoutingKey { get; init; }
    [JsonPropertyName("group_key")] public string? GroupKey { get; init; }
    [JsonPropertyName("correlation_id")] public string? CorrelationId { get; init; }
    [JsonPropertyName("starts_at")] public required DateTimeOffset StartsAt { get; init; }
    [JsonPropertyName("ends_at")] public DateTimeOffset? EndsAt { get; init; }
    /// <summary>Event time of the sample (or punctuation) that caused the transition.</summary>
    [JsonPropertyName("event_time")] public required DateTimeOffset EventTime { get; init; }
    /// <summary>0 for the first notice of a state, n for its n-th re-notification or escalation step.</summary>
    [JsonPropertyName("sequence")] public int Sequence { get; init; }
    [JsonPropertyName("silenced_by")] public IReadOnlyList<string>? SilencedBy { get; init; }
    [JsonPropertyName("inhibited_by")] public IReadOnlyList<string>? InhibitedBy { get; init; }
    [JsonPropertyName("acknowledged_by")] public string? AcknowledgedBy { get; init; }

    /// <summary>True when the event should reach people: not silenced and not inhibited.</summary>
    [JsonIgnore] public bool ShouldNotify => (SilencedBy is null || SilencedBy.Count == 0) && (InhibitedBy is null || InhibitedBy.Count == 0);
}

public static class AlertStatus
{
    public const string Firing = "firing";
    public const string Resolved = "resolved";
    public const string Acknowledged = "acknowledged";
    public const string Escalated = "escalated";
}
