namespace Gds.Monitor.Targets;

/// <summary>
/// One database to poll, as written in the targets file. <see cref="Id"/> becomes the instance_id (and the Kafka key)
/// of every sample; <see cref="Connection"/> is kept unresolved so secrets live in memory only while connecting.
/// </summary>
public sealed record TargetDefinition
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public required string Environment { get; init; }
    public required SecretTemplate Connection { get; init; }
    public TimeSpan Interval { get; init; } = TargetDefaults.Interval;
    public TimeSpan Timeout { get; init; } = TargetDefaults.Timeout;
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    public bool Enabled { get; init; } = true;

    /// <summary>Where the target was defined ("targets.yaml:12"), for messages about it.</summary>
    public string Source { get; init; } = "";

    public override string ToString() => $"{Id} ({Type}, {Environment})";
}

public static class TargetDefaults
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);
}
