namespace Gds.Contracts.Alerts;

/// <summary>
/// An acknowledgement on gds.alerts.acks. Key = the alert's dedup key (rule_id:instance_id:metric_name), so
/// compaction keeps the latest ack per alert; written to the partition that instance_id's metrics and alerts are
/// on, so the stream task that owns the alert's state reads it (see docs/hygiene.md).
/// </summary>
public sealed record Ack
{
    [JsonPropertyName("alert_id")] public required string AlertId { get; init; }
    /// <summary>The alert's instance, so a consumer can re-key the ack by instance_id without parsing AlertId.</summary>
    [JsonPropertyName("instance_id")] public string? InstanceId { get; init; }
    [JsonPropertyName("by")] public required string By { get; init; }
    [JsonPropertyName("comment")] public string? Comment { get; init; }
    [JsonPropertyName("at")] public required DateTimeOffset At { get; init; }
}
