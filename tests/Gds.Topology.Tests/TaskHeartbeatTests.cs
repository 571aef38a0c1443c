using Gds.Contracts.Watchdog;

namespace Gds.Topology.Tests;

/// <summary>The topology's half of the dead man's switch: each task says it is alive on gds.watchdog, never on gds.alerts.</summary>
public sealed class TaskHeartbeatTests
{
    [Fact]
    public void Each_task_writes_a_heartbeat_to_the_watchdog_topic_every_interval_and_none_to_the_alerts()
    {
        using var f = new TopologyFixture(o => o with { HeartbeatInterval = TimeSpan.FromSeconds(30) });
        var watchdog = f.OutputTopic(TopicNames.Watchdog);

        // The punctuation runs every second; a heartbeat goes out on the first one and then once per interval.
        for (var i = 0; i < 70; i++) f.Driver.AdvanceWallClock(TimeSpan.FromSeconds(1));
        var beats = watchdog.ReadKeyValueList().ToList();

        Assert.True(beats.Count >= 2, $"expected heartbeats every 30 s, got {beats.Count}");
        var decoded = beats.Select(b => (b.Message.Key, Beat: GdsJson.Deserialize<TopologyHeartbeat>(b.Message.Value))).ToList();
        Assert.All(decoded, d => Assert.Equal(TopologyHeartbeat.KeyFor(d.Beat.ApplicationId, d.Beat.TaskId), d.Key));
        Assert.All(decoded, d => Assert.StartsWith("gds-test-", d.Beat.ApplicationId));
        Assert.All(decoded, d => Assert.Equal(0, d.Beat.Partition));
        var gaps = decoded.Zip(decoded.Skip(1), (a, b) => b.Beat.At - a.Beat.At).ToList();
        Assert.All(gaps, g => Assert.InRange(g, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(31)));
        Assert.Empty(f.ReadAlerts());
    }

    [Fact]
    public void Without_a_heartbeat_interval_the_topology_writes_nothing_to_the_watchdog_topic()
    {
        using var f = new TopologyFixture();
        var watchdog = f.OutputTopic(TopicNames.Watchdog);
        for (var i = 0; i < 40; i++) f.Driver.AdvanceWallClock(TimeSpan.FromSeconds(1));
        Assert.Empty(watchdog.ReadKeyValueList());
    }
}
