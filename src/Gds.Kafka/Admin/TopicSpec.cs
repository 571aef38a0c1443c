using System.Globalization;

namespace Gds.Kafka.Admin;

/// <summary>A topic the system needs: name, partitions and whether it keeps only the latest value per key.</summary>
public sealed record TopicSpec(string Name, int Partitions, bool Compacted = false, TimeSpan? Retention = null)
{
    public const string CleanupPolicy = "cleanup.policy";
    public const string RetentionMs = "retention.ms";

    public string CleanupPolicyValue => Compacted ? "compact" : "delete";

    /// <summary>The topic configs it is created with; a compacted topic keeps the broker's retention (compaction ignores it).</summary>
    public IReadOnlyDictionary<string, string> Configs()
    {
        var configs = new Dictionary<string, string> { [CleanupPolicy] = CleanupPolicyValue };
        if (Retention is { } r && !Compacted)
            configs[RetentionMs] = ((long)r.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        return configs;
    }
}
