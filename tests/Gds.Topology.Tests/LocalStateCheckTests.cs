using Gds.Topology.LocalState;
using Gds.Topology.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Gds.Topology.Tests;

/// <summary>Which task directories the local state check wipes, against a cluster that says what its changelogs hold.</summary>
public sealed class LocalStateCheckTests : IDisposable
{
    private const string App = "gds-streams";
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), $"gds-state-check-{Guid.NewGuid():N}");

    private sealed class Cluster(Dictionary<(string, int), (long Low, long High)> partitions) : IChangelogInspector
    {
        public (long Low, long High)? Watermarks(string topic, int partition) => partitions.TryGetValue((topic, partition), out var w) ? w : null;
    }

    private static string Changelog(string store) => AlertingTopology.ChangelogTopic(App, store);

    private string Task(string name, params (string Store, int Partition, long Offset)[] checkpoint)
    {
        var dir = Path.Combine(_stateDir, App, name);
        Directory.CreateDirectory(Path.Combine(dir, "rocksdb", "alert-state"));
        File.WriteAllLines(Path.Combine(dir, TaskCheckpoint.FileName),
            ["0", checkpoint.Length.ToString(), .. checkpoint.Select(c => $"{Changelog(c.Store)} {c.Partition} {c.Offset}")]);
        return dir;
    }

    [Fact]
    public void Only_tasks_whose_checkpoint_lies_outside_their_changelog_are_wiped_each_with_a_warning()
    {
        var consistent = Task("3-0", ("alert-state", 0, 40), ("alert-emitted", 0, 7));
        var beyond = Task("3-1", ("alert-state", 1, 90), ("alert-emitted", 1, 3));
        var truncated = Task("3-2", ("alert-hygiene", 2, 5));
        var missing = Task("3-3", ("silence-usage", 3, 1));
        var unrelated = Directory.CreateDirectory(Path.Combine(_stateDir, App, "not-a-task")).FullName;
        var cluster = new Cluster(new()
        {
            [(Changelog("alert-state"), 0)] = (0, 40), [(Changelog("alert-emitted"), 0)] = (0, 9),
            [(Changelog("alert-state"), 1)] = (0, 12), [(Changelog("alert-emitted"), 1)] = (0, 3),
            [(Changelog("alert-hygiene"), 2)] = (8, 20),
        });
        var logs = new ListLogger();

        var wiped = new LocalStateCheck(_stateDir, App, cluster, logs.CreateLogger("check")).Run();

        Assert.Equal([beyond, truncated, missing], wiped);
        Assert.True(Directory.Exists(consistent));
        Assert.True(Directory.Exists(unrelated));
        Assert.False(Directory.Exists(beyond));
        var warnings = logs.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Text).ToList();
        Assert.Equal(3, warnings.Count);
        Assert.StartsWith("state store alert-state partition 1: checkpoint at offset 90, beyond the end of gds-streams-alert-state-changelog-1 (12)", warnings[0]);
        Assert.StartsWith("state store alert-hygiene partition 2: checkpoint at offset 5, before the start of gds-streams-alert-hygiene-changelog-2 (8): the changelog was truncated", warnings[1]);
        Assert.StartsWith("state store silence-usage partition 3: checkpoint at offset 1 of gds-streams-silence-usage-changelog-3, which does not exist", warnings[2]);
    }

    [Fact]
    public void A_state_dir_that_does_not_exist_yet_is_left_alone()
    {
        Assert.Empty(new LocalStateCheck(_stateDir, App, new Cluster([]), new ListLogger().CreateLogger("check")).Run());
        Assert.False(Directory.Exists(_stateDir));
    }

    public void Dispose()
    {
        try { Directory.Delete(_stateDir, true); } catch (IOException) { }
    }
}
