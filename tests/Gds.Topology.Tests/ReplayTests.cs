using static Gds.Topology.Tests.TopologyFixture;

namespace Gds.Topology.Tests;

/// <summary>
/// Records read again (a take-over from the last commit, a restart, a reset to offset 0) emit no transition twice:
/// the topology remembers what each series emitted.
/// </summary>
public class ReplayTests
{
    private static void History(TopologyFixture f, params string[] instances)
    {
        foreach (var i in instances)
        {
            f.Sample(i, 0.95, T0);
            f.Sample(i, 0.97, T0.AddSeconds(30));
            f.Sample(i, 0.10, T0.AddSeconds(60));   // resolved: the series keeps no state
            f.Sample(i, 0.96, T0.AddSeconds(90));   // a second episode
            f.Sample(i, 0.10, T0.AddSeconds(120));
        }
    }

    [Fact]
    public void Reading_every_sample_again_emits_nothing_and_a_new_episode_still_alerts()
    {
        using var f = new TopologyFixture();
        f.PublishRule(ConnectionsRule());
        History(f, "db-a", "db-b");
        var first = f.ReadAlerts();
        Assert.Equal(8, first.Count);

        History(f, "db-a", "db-b");
        Assert.Empty(f.ReadAlerts());
        Assert.Equal(8, f.Runtime.Counters.RepeatsSuppressed);

        f.Sample("db-a", 0.95, T0.AddSeconds(150));
        var next = Assert.Single(f.ReadAlerts());
        Assert.Equal((AlertStatus.Firing, T0.AddSeconds(150)), (next.Status, next.StartsAt));
        Assert.DoesNotContain(next.EventId, first.Select(e => e.EventId));
    }

    [Fact]
    public void Reading_part_of_an_episode_again_repeats_none_of_it_and_its_end_still_comes()
    {
        using var f = new TopologyFixture();
        f.PublishRule(ConnectionsRule());
        f.Sample("db-a", 0.95, T0);
        f.Sample("db-a", 0.10, T0.AddSeconds(30));
        Assert.Equal(2, f.ReadAlerts().Count);
        // As after a take-over: the new owner reads again from a commit made before both samples.
        f.Sample("db-a", 0.95, T0);
        Assert.Empty(f.ReadAlerts());
        f.Sample("db-a", 0.10, T0.AddSeconds(30));
        Assert.Empty(f.ReadAlerts());
    }

    [Fact]
    public void Reading_an_ended_episode_again_from_its_middle_repeats_none_of_it()
    {
        using var f = new TopologyFixture();
        f.PublishRule(ConnectionsRule());
        f.Sample("db-a", 0.95, T0);
        f.Sample("db-a", 0.96, T0.AddSeconds(30));
        f.Sample("db-a", 0.97, T0.AddSeconds(60));
        f.Sample("db-a", 0.10, T0.AddSeconds(90));
        var first = f.ReadAlerts();
        Assert.Equal([AlertStatus.Firing, AlertStatus.Resolved], first.Select(e => e.Status));
        // As after a take-over whose last commit fell inside the episode: the series resolved, so it has no state,
        // and its samples from the commit on look like an episode that started at T0+30 s.
        f.Sample("db-a", 0.96, T0.AddSeconds(30));
        f.Sample("db-a", 0.97, T0.AddSeconds(60));
        f.Sample("db-a", 0.10, T0.AddSeconds(90));
        Assert.Empty(f.ReadAlerts());
        Assert.Equal(2, f.Runtime.Counters.RepeatsSuppressed);

        // The next episode starts after the end of the last one: it alerts.
        f.Sample("db-a", 0.95, T0.AddSeconds(120));
        var next = Assert.Single(f.ReadAlerts());
        Assert.Equal((AlertStatus.Firing, T0.AddSeconds(120)), (next.Status, next.StartsAt));
    }

    [Fact]
    public void An_episode_ended_by_the_clock_leaves_samples_dated_before_that_moment_free_to_alert()
    {
        using var f = new TopologyFixture();
        f.PublishRule(ConnectionsRule());
        f.Sample("db-a", 0.95, T0);
        Assert.Equal(AlertStatus.Firing, Assert.Single(f.ReadAlerts()).Status);
        // Deleting the rule resolves the alert at the next tick, at the wall clock: its time is no sample's.
        f.DeleteRule("pg-connections-high");
        f.Driver.AdvanceWallClock(TimeSpan.FromSeconds(2));
        var resolved = Assert.Single(f.ReadAlerts());
        Assert.Equal(AlertStatus.Resolved, resolved.Status);
        Assert.True(resolved.EventTime > T0.AddDays(1), $"resolved at {resolved.EventTime}, expected the wall clock");

        // The rule back, and a breach dated long before that tick (these samples' clock is 2025): a new episode.
        f.PublishRule(ConnectionsRule());
        f.Sample("db-a", 0.96, T0.AddSeconds(60));
        var again = Assert.Single(f.ReadAlerts());
        Assert.Equal((AlertStatus.Firing, T0.AddSeconds(60)), (again.Status, again.StartsAt));
    }

    [Fact]
    public void Reading_an_ended_episode_again_long_after_does_not_escalate_it()
    {
        using var f = new TopologyFixture();
        f.PublishRule(ConnectionsRule() with { Escalation = [new EscalationStep { After = "5m", Severity = Severities.Critical, RoutingKey = "dba-managers" }] });
        var now = DateTimeOffset.UtcNow;
        f.Sample("db-a", 0.95, now);
        f.Sample("db-a", 0.10, now.AddSeconds(60)); // resolved a minute in: it never escalated
        Assert.Equal([AlertStatus.Firing, AlertStatus.Resolved], f.ReadAlerts().Select(e => e.Status));

        // A replay from offset 0 ten minutes later: while the episode is read again, it looks unacknowledged for
        // ten minutes to the wall clock's escalation.
        f.Driver.AdvanceWallClock(TimeSpan.FromMinutes(10));
        f.Sample("db-a", 0.95, now);
        f.Driver.AdvanceWallClock(TimeSpan.FromSeconds(2));
        f.Sample("db-a", 0.10, now.AddSeconds(60));
        Assert.Empty(f.ReadAlerts());
    }

    [Fact]
    public void What_a_series_emitted_is_forgotten_after_the_retention()
    {
        using var f = new TopologyFixture(o => o with { EmittedRetention = TimeSpan.FromHours(1) });
        f.PublishRule(ConnectionsRule());
        History(f, "db-a");
        Assert.Equal(4, f.ReadAlerts().Count);
        // Past the retention the records that raised them are gone from the topics too (it must cover their
        // retention), so the memory of them may go.
        f.Driver.AdvanceWallClock(TimeSpan.FromHours(2));
        History(f, "db-a");
        Assert.Equal(4, f.ReadAlerts().Count);
    }
}
