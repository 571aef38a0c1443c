using System.Globalization;
using Gds.Contracts.Rules;

namespace Gds.Kafka.Admin.Apply;

public enum TopicStatus
{
    /// <summary>Not on the cluster: to be created.</summary>
    Missing,
    /// <summary>On the cluster, as asked or better (more partitions, longer retention, more replicas).</summary>
    Present,
    /// <summary>On the cluster, but short of what was asked in a way gds cares about; never changed by apply.</summary>
    Differs,
}

/// <summary>
/// How a topic on the cluster compares with the one gds wants. Only what would hurt counts as a difference:
/// fewer partitions (keys of co-partitioned topics would not meet), another cleanup policy (a compacted topic that
/// deletes loses rules; a deleting one that compacts keeps one sample per instance), a shorter retention (less to
/// replay than the topology remembers emitting), fewer replicas than asked. More of any of them is a choice the
/// cluster's owners may have made, and apply leaves it alone.
/// </summary>
public sealed record TopicVerdict(TopicSpec Wanted, TopicStatus Status, IReadOnlyList<string> Differences)
{
    /// <param name="replicationFactor">the replication factor asked for; null: whatever the cluster has</param>
    public static TopicVerdict Decide(TopicSpec wanted, ObservedTopic? observed, int? replicationFactor)
    {
        if (observed is null) return new TopicVerdict(wanted, TopicStatus.Missing, []);
        var differences = new List<string>();
        if (observed.Partitions < wanted.Partitions)
            differences.Add($"{Count(observed.Partitions, "partition")}, fewer than the {wanted.Partitions} asked");
        if (replicationFactor is { } rf && observed.ReplicationFactor < rf)
            differences.Add($"replication factor {observed.ReplicationFactor}, less than the {rf} asked");
        if (observed.Configs is { } configs)
        {
            if (configs.TryGetValue(TopicSpec.CleanupPolicy, out var policy) && !SamePolicy(policy, wanted.CleanupPolicyValue))
                differences.Add($"{TopicSpec.CleanupPolicy} {policy}, not {wanted.CleanupPolicyValue}");
            if (!wanted.Compacted && wanted.Retention is { } retention
                && configs.TryGetValue(TopicSpec.RetentionMs, out var text) && Retention(text) is { } actual && actual < retention)
                differences.Add($"{TopicSpec.RetentionMs} {text} ({DurationText.Format(actual)}), shorter than the {(long)retention.TotalMilliseconds} ({DurationText.Format(retention)}) asked");
        }
        return new TopicVerdict(wanted, differences.Count == 0 ? TopicStatus.Present : TopicStatus.Differs, differences);
    }

    private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";

    /// <summary>"compact,delete" is neither: it compacts and deletes, and must be told apart from both.</summary>
    private static bool SamePolicy(string observed, string wanted) =>
        observed.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)
            .SequenceEqual([wanted], StringComparer.OrdinalIgnoreCase);

    /// <summary>Null for -1 (kept forever: longer than anything asked) or an unreadable value.</summary>
    private static TimeSpan? Retention(string ms) =>
        long.TryParse(ms, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0 ? TimeSpan.FromMilliseconds(v) : null;
}
