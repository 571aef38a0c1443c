using static Gds.Topology.Tests.TopologyFixture;

namespace Gds.Topology.Tests;

public class ThresholdTopologyTests
{
    [Fact]
    public void A_breach_fires_one_alert_repeats_are_deduplicated_and_recovery_resolves_it()
    {
        using var f = new TopologyFixture();
        f.PublishRule(ConnectionsRule());
        f.Sample("prod-db-01", 0.50, T0);
        f.Sample("prod-db-01", 0.95, T0.AddSeconds(30));
        f.Sample("prod-db-01", 0.97, T0.AddSeconds(60));
        f.Sample("prod-db-01", 0.99, T0.AddSeconds(90));
        var firing = f.ReadAlerts();
        var e = Assert.Single(firing);
        Assert.Equal(AlertStatus.Firing, e.Status);
        Assert.Equal("pg-connections-high", e.RuleId);
        Assert.Equal("pg-connections-high:prod-db-01:pg_connections_used_ratio", e.DedupKey);
        Assert.Equal(0.95, e.Value);
        Assert.Equal("> 0.9", e.Expected);
        Assert.Equal("Connections above 90% on prod-db-01", e.Summary);
        Assert.Equal("https://runbooks/pg-connections", e.RunbookUrl);
        Assert.Equal("dba-oncall", e.RoutingKey);
        Assert.Equal("dba", e.Labels["team"]);
        Assert.Equal("us-east-1", e.Labels["region"]);
        Assert.Equal(T0.AddSeconds(30), e.StartsAt);

        f.Sample("prod-db-01", 0.40, T0.AddSeconds(120));
        f.Sample("prod-db-01", 0.30, T0.AddSeconds(150));
        var resolved = Assert.Single(f.ReadAlerts());
        Assert.Equal(AlertStatus.Resolved, resolved.Status);
        Assert.Equal(T0.AddSeconds(30), resolved.StartsAt);
        Assert.Equal(T0.AddSeconds(120), resolved.EndsAt);
        Assert.NotEqual(e.EventId, resolved.EventId);
        Assert.Equal(e.CorrelationId, resolved.CorrelationId);
    }

    [Fact]
    public void For_holds_the_alert_pending_until_the_breach_has_lasted_that_long()
    {
        using var f = new TopologyFixture();
        f.PublishRule(ConnectionsRule(@for: "2m"));
        f.Sample("prod-db-02", 0.95, T0);
        f.Sample("prod-db-02", 0.95, T0.AddSeconds(60));
        f.Sample("prod-db-02", 0.95, T0.AddSeconds(119));
        Assert.Empty(f.ReadAlerts());
        f.Sample("prod-db-02", 0.95, T0.AddSeconds(120));
        var e = Assert.Single(f.ReadAlerts());
        Assert.Equal(AlertStatus.Firing, e.Status);
        Assert.Equal(T0, e.StartsAt);
        Assert.Equal(T0.AddSeconds(120), e.EventTime);
    }

    [Fact]
    public void A_clear_sample_while_pending_cancels_the_alert_without_any_event()
    {
        using var f = new TopologyFixture();
        f.PublishRule(ConnectionsRule(@for: "1m"));
        f.Sample("prod-db-03", 0.95, T0);
        f.Sample("prod-db-03", 0.10, T0.AddSeconds(30));
        f.Sample("prod-db-03", 0.95, T0.AddSeconds(45));
        f.Sample("prod-db-03", 0.95, T0.AddSeconds(90));
        Assert.Empty(f.ReadAlerts());
        f.Sample("prod-db-03", 0.95, T0.AddSeconds(105));
        var e = Assert.Single(f.ReadAlerts());
        Assert.Equal(T0.AddSeconds(45), e.StartsAt);
    }

    [Fact]
    public void Deleting_a_rule_stops_its_evaluation_and_resolves_its_open_alerts()
    {
        using var f = new TopologyFixture();
        f.PublishRule(ConnectionsRule());
        f.Sample("prod-db-01", 0.95, T0);
        f.Sample("prod-db-02", 0.96, T0);
        Assert.Equal(2, f.ReadAlerts().Count(e => e.Status == AlertStatus.Firing));

        f.DeleteRule("pg-connections-high");
        f.Driver.AdvanceWallClock(TimeSpan.FromSeconds(2));
        var resolved = f.ReadAlerts();
        Assert.Equal(2, resolved.Count);
        Assert.All(resolved, e =>
        {
            Assert.Equal(AlertStatus.Resolved, e.Status);
            Assert.Equal("dba-oncall", e.RoutingKey);
        });
        Assert.Equal(["prod-db-01", "prod-db-02"], resolved.Select(e => e.InstanceId).Order());

        f.Sample("prod-db-01", 0.99, T0.AddSeconds(30));
        Assert.Empty(f.ReadAlerts());
    }

    [Fact]
    public void A_rule_published_after_metrics_applies_to_later_metrics()
    {
        using var f = new TopologyFixture();
        f.Sample("prod-db-01", 0.95, T0);
        Assert.Empty(f.ReadAlerts());
        f.PublishRule(ConnectionsRule());
        f.Sample("prod-db-01", 0.96, T0.AddSeconds(30));
        var e = Assert.Single(f.ReadAlerts());
        Assert.Equal(0.96, e.Value);
    }

    [Fact]
    public void A_changed_threshold_applies_to_the_next_samples()
    {
        using var f = new TopologyFixture();
        f.PublishRule(ConnectionsRule(value: 0.9));
        f.Sample("prod-db-01", 0.85, T0);
        Assert.Empty(f.ReadAlerts());
        f.PublishRule(ConnectionsRule(value: 0.8));
        f.Sample("prod-db-01", 0.85, T0.AddSeconds(30));
        Assert.Equal(AlertStatus.Firing, Assert.Single(f.ReadAlerts()).Status);
    }

    [Fact]
    public void Malformed_metrics_go_to_the_dlq_with_the_reason_and_the_topology_keeps_going()
    {
        using var f = new TopologyFixture();
        f.PublishRule(ConnectionsRule());
        f.Raw("prod-db-01", "{not json"u8.ToArray());
        f.Raw("prod-db-01", """{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"prod-db-01","value":1}"""u8.ToArray());
        f.Sample("prod-db-01", 0.95, T0);

        var dlq = f.ReadDlq();
        Assert.Equal(2, dlq.Count);
        Assert.Equal("{not json", System.Text.Encoding.UTF8.GetString(dlq[0].Message.Value));
        Assert.Equal("prod-db-01", dlq[0].Message.Key);
        var reason = System.Text.Encoding.UTF8.GetString(dlq[1].Message.Headers.GetLastBytes(ErrorHeaders.Error));
        Assert.Contains("metric_name", reason);
        Assert.Equal(TopologyFixture.MetricsTopic, System.Text.Encoding.UTF8.GetString(dlq[1].Message.Headers.GetLastBytes(ErrorHeaders.SourceTopic)));
        Assert.Equal(AlertStatus.Firing, Assert.Single(f.ReadAlerts()).Status);
        Assert.Equal(2, f.Runtime.Counters.DeadLetteredMetrics);
    }

    [Fact]
    public void Replaying_the_same_samples_into_a_fresh_topology_gives_the_same_event_ids()
    {
        string[] Run()
        {
            using var f = new TopologyFixture();
            f.PublishRule(ConnectionsRule());
            f.Sample("prod-db-01", 0.95, T0);
            f.Sample("prod-db-01", 0.10, T0.AddSeconds(30));
            f.Sample("prod-db-01", 0.95, T0.AddSeconds(60));
            return f.ReadAlerts().Select(e => e.EventId).ToArray();
        }
        var first = Run();
        Assert.Equal(3, first.Length);
        Assert.Equal(3, first.Distinct().Count());
        Assert.Equal(first, Run());
    }
}
