namespace Gds.Contracts.Watchdog;

/// <summary>
/// What the sink's watchdog last told people (key <see cref="Key"/> on gds.watchdog, compacted): that the topology
/// stopped (<see cref="Down"/>) or that it is back (<see cref="Up"/>). Written after the notification was delivered,
/// and read back by a restarted sink or by the sink instance that takes the watchdog over, so an outage is paged once.
/// </summary>
public sealed record WatchdogEpisode
{
    public const string Key = "episode/gds-notification-sink";
    public const string Down = "down";
    public const string Up = "up";

    /// <summary>Stable per outage: named after the newest heartbeat before the silence.</summary>
    [JsonPropertyName("episode_id")] public required string EpisodeId { get; init; }
    [JsonPropertyName("state")] public required string State { get; init; }
    /// <summary>The newest heartbeat before the silence; null when none was ever seen.</summary>
    [JsonPropertyName("last_heartbeat")] public DateTimeOffset? LastHeartbeat { get; init; }
    [JsonPropertyName("message_id")] public required string MessageId { get; init; }
    [JsonPropertyName("notified_at")] public required DateTimeOffset NotifiedAt { get; init; }
}
