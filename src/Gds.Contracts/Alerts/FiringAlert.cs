namespace Gds.Contracts.Alerts;

/// <summary>
/// One alert firing somewhere in the fleet, on the compacted gds.alerts.firing (key = dedup key; a tombstone when it
/// resolves). Every stream task writes its own alerts there and every stream process reads all of it back, so that
/// inhibition and silence auto-expiry are judged against the firing alerts of the whole fleet, not of one partition.
/// </summary>
public sealed record FiringAlert
{
    [JsonPropertyName("dedup_key")] public required string DedupKey { get; init; }
    [JsonPropertyName("rule_id")] public required string RuleId { get; init; }
    [JsonPropertyName("instance_id")] public required string InstanceId { get; init; }
    /// <summary>The alert's labels as inhibition rules and silences match them (AlertEvent.labels).</summary>
    [JsonPropertyName("labels")] public required IReadOnlyDictionary<string, string> Labels { get; init; }
    [JsonPropertyName("starts_at")] public required DateTimeOffset StartsAt { get; init; }

    public static FiringAlert Of(AlertEvent e) => new()
    {
        DedupKey = e.DedupKey, RuleId = e.RuleId, InstanceId = e.InstanceId, Labels = e.Labels, StartsAt = e.StartsAt,
    };
}
