namespace Gds.Contracts.Heartbeats;

/// <summary>A collector's sign of life on gds.heartbeats (key = collector id), so a silent collector is alertable.</summary>
public sealed record Heartbeat
{
    [JsonPropertyName("collector_id")] public required string CollectorId { get; init; }
    [JsonPropertyName("timestamp")] public required DateTimeOffset Timestamp { get; init; }
    [JsonPropertyName("targets")] public int Targets { get; init; }
    [JsonPropertyName("targets_up")] public int TargetsUp { get; init; }
    [JsonPropertyName("version")] public string Version { get; init; } = "1.0";
    [JsonPropertyName("host")] public string? Host { get; init; }
}
