using System.Text.Json.Serialization;

namespace Gds.Contracts.Alerts;

/// <summary>An acknowledgement on gds.alerts.acks; the key is the alert's dedup key.</summary>
public sealed record Ack
{
    [JsonPropertyName("alert_id")] public required string AlertId { get; init; }
    [JsonPropertyName("by")] public required string By { get; init; }
    [JsonPropertyName("comment")] public string? Comment { get; init; }
    [JsonPropertyName("at")] public required DateTimeOffset At { get; init; }
}
