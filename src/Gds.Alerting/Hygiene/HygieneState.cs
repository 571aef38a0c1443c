using System.Text.Json.Serialization;

namespace Gds.Alerting.Hygiene;

/// <summary>
/// Everything alert hygiene remembers about one firing episode of one alert (store key = dedup key): what it last
/// looked like, whether people were told, what mutes it, who acknowledged it, how far it escalated. Created by
/// the episode's firing event, deleted by its resolution; the topology keeps it in a RocksDB store with a
/// changelog so acks, mutes and escalation timers survive restarts.
/// </summary>
public sealed class HygieneState
{
    /// <summary>The episode's latest firing event as the alert engine emitted it (before hygiene decorated it).</summary>
    [JsonPropertyName("alert")] public required AlertEvent Alert { get; set; }
    [JsonPropertyName("episode_start")] public DateTimeOffset EpisodeStart { get; set; }
    /// <summary>Event time of the episode's first firing event.</summary>
    [JsonPropertyName("firing_at")] public DateTimeOffset FiringAt { get; set; }
    [JsonPropertyName("correlation_id")] public required string CorrelationId { get; set; }

    [JsonPropertyName("first_notified_at")] public DateTimeOffset? FirstNotifiedAt { get; set; }
    [JsonPropertyName("last_notified_at")] public DateTimeOffset? LastNotifiedAt { get; set; }

    [JsonPropertyName("silenced_by")] public List<string>? SilencedBy { get; set; }
    [JsonPropertyName("inhibited_by")] public List<string>? InhibitedBy { get; set; }
    /// <summary>A silence muting it asked for the resolved notice anyway (notify_resolved or until_resolved).</summary>
    [JsonPropertyName("resolved_notice")] public bool ResolvedNoticeWanted { get; set; }

    [JsonPropertyName("acked_by")] public string? AckedBy { get; set; }
    [JsonPropertyName("acked_at")] public DateTimeOffset? AckedAt { get; set; }
    [JsonPropertyName("ack_comment")] public string? AckComment { get; set; }

    /// <summary>0 before any escalation; n after the n-th step was emitted.</summary>
    [JsonPropertyName("escalation_step")] public int EscalationStep { get; set; }
    /// <summary>Severity and routing key the escalation raised it to; later events of the episode carry them.</summary>
    [JsonPropertyName("escalated_severity")] public string? EscalatedSeverity { get; set; }
    [JsonPropertyName("escalated_routing_key")] public string? EscalatedRoutingKey { get; set; }

    /// <summary>Release notices sent (muted → unmuted while firing); numbers their event ids.</summary>
    [JsonPropertyName("releases")] public int Releases { get; set; }

    [JsonIgnore] public string DedupKey => Alert.DedupKey;
    [JsonIgnore] public bool Notified => FirstNotifiedAt is not null;
    [JsonIgnore] public bool Muted => SilencedBy is { Count: > 0 } || InhibitedBy is { Count: > 0 };
    [JsonIgnore] public bool Acknowledged => AckedBy is not null;

    public static HygieneState Start(AlertEvent firing) => new()
    {
        Alert = firing,
        EpisodeStart = firing.StartsAt,
        FiringAt = firing.EventTime,
        CorrelationId = Grouping.CorrelationIds.Of(firing),
    };
}
