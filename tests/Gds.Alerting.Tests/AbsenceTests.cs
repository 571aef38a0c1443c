using Gds.Alerting.Kinds.Absence;
using Gds.Alerting.Tests.Support;
using Gds.Contracts.Heartbeats;
using static Gds.Alerting.Tests.Support.Harness;

namespace Gds.Alerting.Tests;

public sealed class AbsenceTests
{
    private static void TickEvery30s(Harness h, double fromMinute, double toMinute)
    {
        for (var s = fromMinute * 60; s <= toMinute * 60; s += 30) h.Tick(Sec(s));
    }

    [Fact]
    public void A_series_that_goes_silent_fires_on_the_first_tick_past_the_timeout_and_resolves_when_data_returns()
    {
        var h = new Harness("""
            rules:
              - id: cpu-missing
                kind: absence
                selector: { metric: cpu, instance: "db-*" }
                timeout: 5m
            """);
        for (var s = 0; s <= 600; s += 30) { h.Feed(Sec(s), 1, "cpu"); h.Tick(Sec(s)); }
        TickEvery30s(h, 10.5, 15);
        Assert.Empty(h.Events); // silent for exactly 5m: not yet longer than the timeout

        h.Tick(Sec(930));
        var fired = Assert.Single(h.Events);
        Assert.Equal(Sec(930), fired.StartsAt);
        Assert.Equal(330, fired.Value);
        Assert.Contains("No sample of cpu from db-1 since 2025-01-15T00:10:00Z", fired.Description);

        TickEvery30s(h, 16, 20);
        h.Feed(Min(20), 1, "cpu");
        Assert.Equal(Min(20), Assert.Single(h.Resolved).EndsAt);
    }

    [Fact]
    public void An_exact_instance_that_never_reports_fires_when_nothing_at_all_arrives()
    {
        var h = new Harness("""
            rules:
              - id: db9-missing
                kind: absence
                selector: { metric: cpu, instance: db-9, database_type: postgresql, environment: production }
                timeout: 5m
            """);
        TickEvery30s(h, 0, 6);

        var fired = Assert.Single(h.Events);
        Assert.Equal(("db-9", "cpu", Sec(330)), (fired.InstanceId, fired.MetricName, fired.StartsAt));
        Assert.Equal("production", fired.Environment);
        Assert.Contains("since the rule started watching it", fired.Description);
    }

    [Fact]
    public void Only_the_store_that_owns_the_instance_seeds_it()
    {
        const string rule = """
            rules:
              - id: db9-missing
                kind: absence
                selector: { metric: cpu, instance: db-9 }
                timeout: 5m
            """;
        var owner = new Harness(rule);
        var other = new Harness(rule);
        for (var s = 0; s <= 600; s += 30)
        {
            owner.Engine.OnTick(Sec(s), owner.Store, owner.Events, id => id == "db-9");
            other.Engine.OnTick(Sec(s), other.Store, other.Events, id => id != "db-9");
        }
        Assert.Single(owner.Events);
        Assert.Empty(other.Events);
        Assert.Equal(0, other.Store.Count);
    }

    [Fact]
    public void A_glob_selector_watches_only_series_it_has_seen()
    {
        var h = new Harness("""
            rules:
              - id: any-missing
                kind: absence
                selector: { metric: cpu, instance: "db-*" }
                timeout: 5m
            """);
        TickEvery30s(h, 0, 60);
        Assert.Empty(h.Events);
    }

    [Fact]
    public void Instance_scope_is_kept_alive_by_any_metric_of_the_instance()
    {
        var h = new Harness("""
            rules:
              - id: instance-silent
                kind: absence
                selector: { instance: "db-*" }
                scope: instance
                timeout: 2m
            """);
        for (var m = 0; m <= 10; m++) { h.Feed(Min(m), 1, m % 2 == 0 ? "cpu" : "connections"); h.Tick(Min(m)); }
        Assert.Empty(h.Events);
        Assert.Equal("instance-silent:db-1:*", h.Store.All().Single().Key);

        TickEvery30s(h, 10.5, 13);
        Assert.Equal("*", Assert.Single(h.Events).MetricName);
    }

    [Fact]
    public void Collector_scope_watches_heartbeats()
    {
        var h = new Harness("""
            rules:
              - id: collector-down
                kind: absence
                selector: { instance: "collector-a" }
                scope: collector
                timeout: 1m
            """);
        for (var s = 0; s <= 120; s += 15)
        {
            h.Feed(HeartbeatSamples.ToMetric(new Heartbeat { CollectorId = "collector-a", Timestamp = Sec(s), Targets = 3, TargetsUp = 3 }));
            h.Tick(Sec(s));
        }
        Assert.Empty(h.Events);

        TickEvery30s(h, 2.5, 4);
        var fired = Assert.Single(h.Events);
        Assert.Equal(("collector-a", HeartbeatSamples.MetricName), (fired.InstanceId, fired.MetricName));
        Assert.Contains("No heartbeat from collector-a", fired.Description);
    }

    [Fact]
    public void While_absent_repeat_interval_renotifies()
    {
        var h = new Harness("""
            rules:
              - id: cpu-missing
                kind: absence
                selector: { metric: cpu }
                timeout: 1m
                repeat_interval: 10m
            """);
        h.Feed(Sec(0), 1, "cpu");
        TickEvery30s(h, 0, 25);
        Assert.Equal([0, 1, 2], h.Events.Select(e => e.Sequence));
    }
}
