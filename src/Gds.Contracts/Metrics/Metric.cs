namespace Gds.Contracts.Metrics;

/// <summary>One sample of one metric of one database instance: the value of every gds.metrics.* record.</summary>
public sealed record Metric
{
    [JsonPropertyName("timestamp")] public required DateTimeOffset Timestamp { get; init; }
    [JsonPropertyName("database_type")] public required string DatabaseType { get; init; }
    [JsonPropertyName("instance_id")] public required string InstanceId { get; init; }
    [JsonPropertyName("metric_name")] public required string MetricName { get; init; }
    [JsonPropertyName("value")] public required double Value { get; init; }
    /// <summary>Never null: a record with no tags, or "tags": null, reads as empty tags.</summary>
    [JsonPropertyName("tags")]
    public IReadOnlyDictionary<string, string> Tags { get => _tags; init => _tags = value ?? EmptyTags; }
    private readonly IReadOnlyDictionary<string, string> _tags = EmptyTags;

    /// <summary>
    /// The series' own labels: what tells this reading apart from other readings of the same metric on the same
    /// instance (database, lock mode, standby, wait type, warehouse, ...). With instance_id and metric_name they
    /// identify the series (<see cref="SeriesLabels"/>); tags describe the instance and never split a series. Never
    /// null; empty for a metric read once per instance, and then left out of the JSON.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, string> Labels { get => _labels ?? SeriesLabels.None; init => _labels = value is { Count: > 0 } ? value : null; }
    private readonly IReadOnlyDictionary<string, string>? _labels;

    [JsonPropertyName("labels"), JsonInclude]
    internal IReadOnlyDictionary<string, string>? LabelsOnWire { get => _labels; init => _labels = value is { Count: > 0 } ? value : null; }
    [JsonPropertyName("metadata")] public MetricMetadata? Metadata { get; init; }

    /// <summary>The environment tag, which also names the topic; "unknown" when a producer left it out.</summary>
    [JsonIgnore]
    public string Environment => Tags.TryGetValue("environment", out var env) && env.Length > 0 ? env : "unknown";

    /// <summary>A label of the series, else a tag of the instance, else null: what rules and silences match on.</summary>
    public string? LabelOrTag(string name) =>
        _labels is not null && _labels.TryGetValue(name, out var l) ? l : Tags.TryGetValue(name, out var t) ? t : null;

    internal static readonly IReadOnlyDictionary<string, string> EmptyTags = new Dictionary<string, string>();
}

public sealed record MetricMetadata
{
    [JsonPropertyName("collection_duration_ms")] public double CollectionDurationMs { get; init; }
    [JsonPropertyName("version")] public string Version { get; init; } = "1.0";
    [JsonPropertyName("correlation_id")] public string? CorrelationId { get; init; }
}
