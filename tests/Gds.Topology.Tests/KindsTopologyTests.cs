using static Gds.Topology.Tests.TopologyFixture;

namespace Gds.Topology.Tests;

/// <summary>The other rule kinds inside the topology (their logic is tested in depth on the pure engine).</summary>
public class KindsTopologyTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    /// <summary>prod-db-09 has sent no connections sample for two minutes.</summary>
    private static readonly Rule Db09Silent = new()
    {
        Id = "db-09-silent", Kind = RuleKinds.Absence, Severity = Severities.Critical,
        Selector = new RuleSelector { Metric = "pg_connections_used_ratio", Instance = "prod-db-09" }, Timeout = "2m",
    };

    [Fact]
    public void Absence_fires_from_the_wall_clock_punctuation_when_nothing_arrives_and_resolves_when_data_returns()
    {
        using var f = new TopologyFixture();
        f.PublishRule(Db09Silent);
        f.Driver.AdvanceWallClock(TimeSpan.FromSeconds(5));
        Assert.Empty(f.ReadAlerts());
        f.Driver.AdvanceWallClock(TimeSpan.FromMinutes(3));
        var fired = Assert.Single(f.ReadAlerts());
        Assert.Equal(AlertStatus.Firing, fired.Status);
        Assert.Equal("prod-db-09", fired.InstanceId);

        f.Sample("prod-db-09", 0.5, DateTimeOffset.UtcNow.AddMinutes(4));
        // The first event after data returns is the resolution (later driver clock jumps may start a new episode).
        var after = f.ReadAlerts();
        Assert.Equal(AlertStatus.Resolved, after[0].Status);
        Assert.Equal(fired.CorrelationId, after[0].CorrelationId);
    }

    [Fact]
    public void Time_does_not_act_on_a_task_while_its_stores_are_being_restored()
    {
        using var f = new TopologyFixture();
        f.PublishRule(Db09Silent);
        // Streamiz punctuates tasks whose changelogs it is still replaying: the state it would judge is incomplete.
        f.Runtime.Restoration.Started(AlertingTopology.StateStore, 0);
        f.Driver.AdvanceWallClock(TimeSpan.FromMinutes(3));
        Assert.Empty(f.ReadAlerts());

        // Restored: the clock starts for the expected series now, and its timeout runs out two minutes later.
        f.Runtime.Restoration.Ended(AlertingTopology.StateStore, 0);
        f.Driver.AdvanceWallClock(TimeSpan.FromSeconds(5));
        Assert.Empty(f.ReadAlerts());
        f.Driver.AdvanceWallClock(TimeSpan.FromMinutes(3));
        Assert.Equal(AlertStatus.Firing, Assert.Single(f.ReadAlerts()).Status);
    }

    [Fact]
    public void A_counter_rate_threshold_handles_a_counter_reset()
    {
        using var f = new TopologyFixture();
        f.PublishRule(new Rule
        {
            Id = "deadlocks", Kind = RuleKinds.Threshold, Rate = true, Op = ">", Value = 1,
            Selector = new RuleSelector { Metric = "pg_deadlocks_total" },
        });
        f.Sample("prod-db-01", 100, Now, metric: "pg_deadlocks_total");
        f.Sample("prod-db-01", 110, Now.AddSeconds(10), metric: "pg_deadlocks_total");  // 1/s: not above 1
        f.Sample("prod-db-01", 5, Now.AddSeconds(20), metric: "pg_deadlocks_total");    // reset: 0.5/s
        Assert.Empty(f.ReadAlerts());
        f.Sample("prod-db-01", 60, Now.AddSeconds(30), metric: "pg_deadlocks_total");   // 5.5/s
        var e = Assert.Single(f.ReadAlerts());
        Assert.Equal(5.5, e.Value);
    }

    [Fact]
    public void A_burn_rate_rule_pages_when_both_windows_of_the_fast_pair_burn()
    {
        using var f = new TopologyFixture();
        f.PublishRule(new Rule
        {
            Id = "api-errors-slo", Kind = RuleKinds.BurnRate, Objective = 99.9, Period = "30d",
            BadMetric = "errors_total", TotalMetric = "requests_total",
            Windows = [new BurnRateWindow { Long = "10m", Short = "2m", Factor = 14.4, Severity = Severities.Critical }],
            Selector = new RuleSelector(),
        });
        var t = Now.AddMinutes(-30);
        double bad = 0, total = 0;
        var events = new List<AlertEvent>();
        for (var i = 0; i <= 20; i++)
        {
            total += 1000;
            bad += i < 10 ? 0 : 100; // 10% errors from minute 10: a burn rate of 100x
            f.Sample("prod-db-01", bad, t.AddMinutes(i), metric: "errors_total");
            f.Sample("prod-db-01", total, t.AddMinutes(i), metric: "requests_total");
            events.AddRange(f.ReadAlerts());
        }
        var page = Assert.Single(events, e => e.Status == AlertStatus.Firing);
        Assert.Equal(Severities.Critical, page.Severity);
        Assert.True(page.EventTime >= t.AddMinutes(10));
    }
}
