namespace Gds.Contracts.Watchdog;

/// <summary>
/// A stream task's sign of life on gds.watchdog (key <see cref="KeyFor"/>): written every Watchdog:Interval by each
/// task of `gds streams` while it evaluates, so the sink's watchdog can tell when the topology as a whole stopped.
/// </summary>
public sealed record TopologyHeartbeat
{
    public const string KeyPrefix = "heartbeat/";

    [JsonPropertyName("application_id")] public required string ApplicationId { get; init; }
    /// <summary>Streamiz's task id, "{subtopology}-{partition}".</summary>
    [JsonPropertyName("task_id")] public required string TaskId { get; init; }
    [JsonPropertyName("partition")] public int Partition { get; init; }
    /// <summary>When the task wrote it, on the topology host's clock.</summary>
    [JsonPropertyName("at")] public required DateTimeOffset At { get; init; }
    [JsonPropertyName("host")] public string? Host { get; init; }

    /// <summary>One key per task, so compaction keeps each task's latest heartbeat.</summary>
    public static string KeyFor(string applicationId, string taskId) => $"{KeyPrefix}{applicationId}/{taskId}";
}
