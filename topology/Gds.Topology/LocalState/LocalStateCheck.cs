using System.Text.RegularExpressions;

namespace Gds.Topology.LocalState;

/// <summary>
/// Before a KafkaStream opens its stores: a task directory whose checkpoint does not match its changelog is wiped, so
/// that Streamiz restores it from the changelog. Kafka Streams treats a checkpoint beyond the changelog's end as
/// corrupt and does the same; Streamiz 1.8.2 instead takes such a store as restored and runs on whatever it holds
/// (a state dir from another cluster, or from before the topics were recreated, then silently evaluates against
/// stale state). A mismatch is a checkpoint beyond the changelog's end, before its start (truncated), or of a
/// changelog that no longer exists. As in Kafka Streams, a changelog recreated and written past the old checkpoint
/// before this instance starts cannot be told from the old one by offsets alone.
/// </summary>
public sealed partial class LocalStateCheck(string stateDir, string applicationId, IChangelogInspector cluster, ILogger log)
{
    /// <summary>Task directories are named subtopology-partition (e.g. 3-1).</summary>
    [GeneratedRegex(@"^\d+-\d+$")]
    private static partial Regex TaskDirectory();

    /// <returns>the task directories wiped</returns>
    public IReadOnlyList<string> Run()
    {
        var root = Path.Combine(stateDir, applicationId);
        var changelogs = AlertingTopology.TaskStores.ToDictionary(s => AlertingTopology.ChangelogTopic(applicationId, s), s => s, StringComparer.Ordinal);
        var wiped = new List<string>();
        if (!Directory.Exists(root)) return wiped;
        foreach (var dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            if (!TaskDirectory().IsMatch(Path.GetFileName(dir))) continue;
            var problems = Problems(dir, changelogs);
            if (problems.Count == 0) continue;
            foreach (var (store, p, why) in problems)
                log.LogWarning("state store {Store} partition {Partition}: {Problem}; wiping the local copy ({Directory}) to restore it from the changelog", store, p, why, dir);
            Directory.Delete(dir, recursive: true);
            wiped.Add(dir);
        }
        return wiped;
    }

    private List<(string Store, int Partition, string Why)> Problems(string dir, Dictionary<string, string> changelogs)
    {
        var problems = new List<(string, int, string)>();
        if (TaskCheckpoint.Read(dir) is not { } checkpoint) return problems;
        foreach (var (topic, p, offset) in checkpoint.Entries)
        {
            if (!changelogs.TryGetValue(topic, out var store)) continue;
            var range = cluster.Watermarks(topic, p);
            if (range is null)
                problems.Add((store, p, $"checkpoint at offset {offset} of {topic}-{p}, which does not exist"));
            else if (offset > range.Value.High)
                problems.Add((store, p, $"checkpoint at offset {offset}, beyond the end of {topic}-{p} ({range.Value.High})"));
            else if (offset < range.Value.Low)
                problems.Add((store, p, $"checkpoint at offset {offset}, before the start of {topic}-{p} ({range.Value.Low}): the changelog was truncated"));
        }
        return problems;
    }
}
