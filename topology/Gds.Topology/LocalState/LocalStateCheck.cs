using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Gds.Topology.LocalState;

/// <summary>
/// Before a KafkaStream opens its stores: a task directory whose checkpoint does not match its changelog is wiped, so
/// that Streamiz restores it from the changelog. Kafka Streams treats a checkpoint beyond the changelog's end as
/// corrupt and does the same; Streamiz 1.8.2 instead takes such a store as restored and runs on whatever it holds
/// (a state dir from another cluster, or from before the topics were recreated, then silently evaluates against
/// stale state). A mismatch is: a changelog topic whose id is not the one the state was written against, a
/// checkpoint beyond the changelog's end or before its start (truncated), or a changelog that no longer exists.
/// The ids are remembered in <c>{state-dir}/{application-id}/changelog-ids.json</c>.
/// </summary>
public sealed partial class LocalStateCheck(string stateDir, string applicationId, IChangelogInspector cluster, ILogger log)
{
    public const string IdsFile = "changelog-ids.json";

    /// <summary>Task directories are named subtopology-partition (e.g. 3-1).</summary>
    [GeneratedRegex(@"^\d+-(\d+)$")]
    private static partial Regex TaskDirectory();

    /// <returns>the task directories wiped</returns>
    public IReadOnlyList<string> Run()
    {
        var root = Path.Combine(stateDir, applicationId);
        var changelogs = AlertingTopology.TaskStores.ToDictionary(s => AlertingTopology.ChangelogTopic(applicationId, s), s => s, StringComparer.Ordinal);
        var ids = cluster.TopicIds(changelogs.Keys.ToList());
        var wiped = new List<string>();
        if (Directory.Exists(root))
        {
            var known = ReadIds(Path.Combine(root, IdsFile));
            var recreated = changelogs.Keys.Where(t => known.TryGetValue(t, out var was) && ids.TryGetValue(t, out var now) && was != now).ToHashSet(StringComparer.Ordinal);
            foreach (var dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
            {
                var match = TaskDirectory().Match(Path.GetFileName(dir));
                if (!match.Success) continue;
                var partition = int.Parse(match.Groups[1].Value);
                var problems = Problems(dir, partition, changelogs, recreated);
                if (problems.Count == 0) continue;
                foreach (var (store, p, why) in problems)
                    log.LogWarning("state store {Store} partition {Partition}: {Problem}; wiping the local copy ({Directory}) to restore it from the changelog", store, p, why, dir);
                Directory.Delete(dir, recursive: true);
                wiped.Add(dir);
            }
        }
        if (ids.Count > 0)
        {
            Directory.CreateDirectory(root);
            var tmp = Path.Combine(root, IdsFile + ".tmp");
            File.WriteAllText(tmp, JsonSerializer.Serialize(ids));
            File.Move(tmp, Path.Combine(root, IdsFile), overwrite: true);
        }
        return wiped;
    }

    private List<(string Store, int Partition, string Why)> Problems(string dir, int partition, Dictionary<string, string> changelogs, HashSet<string> recreated)
    {
        var problems = new List<(string, int, string)>();
        var stores = Directory.Exists(Path.Combine(dir, "rocksdb"))
            ? Directory.GetDirectories(Path.Combine(dir, "rocksdb")).Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];
        foreach (var topic in recreated)
            if (stores.Contains(changelogs[topic]))
                problems.Add((changelogs[topic], partition, $"its changelog {topic} is not the topic it was written to (recreated, or another cluster's)"));
        if (TaskCheckpoint.Read(dir) is not { } checkpoint) return problems;
        foreach (var (topic, p, offset) in checkpoint.Entries)
        {
            if (!changelogs.TryGetValue(topic, out var store) || recreated.Contains(topic)) continue;
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

    private static Dictionary<string, string> ReadIds(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? [] : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
