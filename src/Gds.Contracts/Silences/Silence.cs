namespace Gds.Contracts.Silences;

/// <summary>A silence on gds.silences (key = Id; a tombstone removes it).</summary>
public sealed record Silence
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("matchers")] public required IReadOnlyList<string> Matchers { get; init; }
    [JsonPropertyName("starts_at")] public DateTimeOffset? StartsAt { get; init; }
    [JsonPropertyName("ends_at")] public DateTimeOffset? EndsAt { get; init; }
    /// <summary>Recurring weekly windows, e.g. {"days":["sunday"],"start":"02:00","end":"04:00","time_zone":"Europe/Paris"}.</summary>
    [JsonPropertyName("schedule")] public IReadOnlyList<SilenceWindow>? Schedule { get; init; }
    [JsonPropertyName("created_by")] public required string CreatedBy { get; init; }
    [JsonPropertyName("comment")] public string? Comment { get; init; }
    [JsonPropertyName("created_at")] public DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("notify_resolved")] public bool NotifyResolved { get; init; }
    [JsonPropertyName("expire_when_clear")] public bool ExpireWhenClear { get; init; }
    [JsonPropertyName("until_resolved")] public bool UntilResolved { get; init; }
}

public sealed record SilenceWindow
{
    [JsonPropertyName("days")] public required IReadOnlyList<string> Days { get; init; }
    [JsonPropertyName("start")] public required string Start { get; init; }
    [JsonPropertyName("end")] public required string End { get; init; }
    [JsonPropertyName("time_zone")] public string TimeZone { get; init; } = "UTC";
}
