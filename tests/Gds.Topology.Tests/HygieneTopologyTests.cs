using Gds.Contracts.Silences;
using static Gds.Topology.Tests.TopologyFixture;

namespace Gds.Topology.Tests;

/// <summary>
/// Hygiene as wired into the topology: silences, inhibition rules and acks arrive as Kafka records and change what
/// is notified, never what is evaluated. (The scenarios in depth are tested on the pure engine in Gds.Alerting.)
/// </summary>
public class HygieneTopologyTests
{
    // Hygiene ticks run on the wall clock, so these samples live near "now".
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public void A_silenced_alert_is_recorded_but_not_notified_and_its_resolution_stays_quiet()
    {
        using var f = new TopologyFixture();
        f.PublishRule(ConnectionsRule());
        f.PublishSilence(new Silence
        {
            Id = "maint-1", Matchers = ["instance_id=prod-db-01"], StartsAt = Now.AddHours(-1), EndsAt = Now.AddHours(2),
            CreatedBy = "alice", Comment = "disk swap", CreatedAt = Now.AddHours(-1),
        });
        f.Sample("prod-db-01", 0.95, Now);
        f.Sample("prod-db-02", 0.95, Now);
        var events = f.ReadAlerts();
        Assert.Equal(2, events.Count);
        var silenced = events.Single(e => e.InstanceId == "prod-db-01");
        Assert.Equal(["maint-1"], silenced.SilencedBy!);
        Assert.False(silenced.ShouldNotify);
        Assert.True(events.Single(e => e.InstanceId == "prod-db-02").ShouldNotify);
    }

    [Fact]
    public void An_ack_on_the_acks_topic_emits_an_acknowledged_event_and_stops_repeats()
    {
        using var f = new TopologyFixture();
        f.PublishRule(ConnectionsRule() with { RepeatInterval = "1m" });
        f.Sample("prod-db-01", 0.95, Now);
        var fired = Assert.Single(f.ReadAlerts());
        f.Acknowledge(fired.DedupKey, "prod-db-01", "bob", Now.AddSeconds(10));
        var ack = Assert.Single(f.ReadAlerts());
        Assert.Equal(AlertStatus.Acknowledged, ack.Status);
        Assert.Equal("bob", ack.AcknowledgedBy);
        Assert.Equal(fired.CorrelationId, ack.CorrelationId);

        f.Sample("prod-db-01", 0.96, Now.AddMinutes(2)); // a repeat would be due: acknowledged, so none
        Assert.DoesNotContain(f.ReadAlerts(), e => e.Status == AlertStatus.Firing && e.ShouldNotify);
        f.Sample("prod-db-01", 0.10, Now.AddMinutes(3));
        Assert.Equal(AlertStatus.Resolved, Assert.Single(f.ReadAlerts()).Status);
    }

    [Fact]
    public void An_unreadable_ack_goes_to_the_dlq_with_the_reason_and_nothing_else_changes()
    {
        using var f = new TopologyFixture();
        f.PublishRule(ConnectionsRule());
        f.Sample("prod-db-01", 0.95, Now);
        Assert.Single(f.ReadAlerts());
        f.RawAck("pg-connections-high:prod-db-01:pg_connections_used_ratio", "{\"by\":\"bob\"}"u8.ToArray());
        var dead = Assert.Single(f.ReadDlq());
        Assert.Equal("streams:read-ack", System.Text.Encoding.UTF8.GetString(dead.Message.Headers.GetLastBytes(Gds.Contracts.Topics.ErrorHeaders.ErrorStage)));
        Assert.Contains("alert_id", System.Text.Encoding.UTF8.GetString(dead.Message.Headers.GetLastBytes(Gds.Contracts.Topics.ErrorHeaders.Error)));
        Assert.Empty(f.ReadAlerts());
    }

    [Fact]
    public void An_inhibition_rule_mutes_the_same_instances_other_alerts_and_releases_them_when_the_source_resolves()
    {
        using var f = new TopologyFixture();
        f.PublishRule(ConnectionsRule());
        f.PublishRule(ConnectionsRule("collector-down") with
        {
            Selector = new RuleSelector { Metric = "gds_collector_up" }, Op = "==", Value = 0, Severity = Severities.Critical,
        });
        f.PublishInhibitRule(new InhibitRule
        {
            Name = "collector-down-mutes-instance", SourceMatchers = ["rule_id=collector-down"], TargetMatchers = ["rule_id!=collector-down"], Equal = ["instance_id"],
        });
        f.Sample("prod-db-01", 0, Now, metric: "gds_collector_up");
        f.Sample("prod-db-01", 0.95, Now.AddSeconds(1));
        f.Sample("prod-db-02", 0.95, Now.AddSeconds(1));
        var events = f.ReadAlerts();
        Assert.True(events.Single(e => e.RuleId == "collector-down").ShouldNotify);
        var muted = events.Single(e => e.RuleId == "pg-connections-high" && e.InstanceId == "prod-db-01");
        Assert.Equal(["collector-down:prod-db-01:gds_collector_up"], muted.InhibitedBy!); // the source alert that mutes it
        Assert.True(events.Single(e => e.InstanceId == "prod-db-02").ShouldNotify);

        f.Sample("prod-db-01", 1, Now.AddSeconds(30), metric: "gds_collector_up");
        var after = f.ReadAlerts();
        Assert.Contains(after, e => e.RuleId == "collector-down" && e.Status == AlertStatus.Resolved);
        Assert.Contains(after, e => e.RuleId == "pg-connections-high" && e.InstanceId == "prod-db-01" && e.Status == AlertStatus.Firing && e.ShouldNotify);
    }

    [Fact]
    public void An_unacknowledged_alert_escalates_on_the_wall_clock()
    {
        using var f = new TopologyFixture();
        f.PublishRule(ConnectionsRule() with { Escalation = [new EscalationStep { After = "5m", Severity = Severities.Critical, RoutingKey = "dba-managers" }] });
        f.Sample("prod-db-01", 0.95, Now);
        Assert.Equal(AlertStatus.Firing, Assert.Single(f.ReadAlerts()).Status);
        f.Driver.AdvanceWallClock(TimeSpan.FromMinutes(6));
        var escalated = Assert.Single(f.ReadAlerts());
        Assert.Equal(AlertStatus.Escalated, escalated.Status);
        Assert.Equal(Severities.Critical, escalated.Severity);
        Assert.Equal("dba-managers", escalated.RoutingKey);
    }
}
