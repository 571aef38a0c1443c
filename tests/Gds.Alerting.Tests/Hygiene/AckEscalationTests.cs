using Gds.Alerting.Escalation;
using static Gds.Alerting.Tests.Hygiene.HygieneHarness;

namespace Gds.Alerting.Tests.Hygiene;

public class AckEscalationTests
{
    private const string Key = "cpu-high:prod-db-01:cpu_usage_percent";

    private static readonly EscalationStep[] TwoSteps =
    [
        new() { After = "15m", Severity = Severities.Critical },
        new() { After = "30m", RoutingKey = "dba-managers" },
    ];

    [Fact]
    public void Without_an_ack_a_firing_alert_re_notifies_at_its_repeat_interval()
    {
        var h = new HygieneHarness(Cpu());
        h.Cpu("prod-db-01", 95, T0);
        var repeat = Assert.Single(h.Cpu("prod-db-01", 95, T0.AddMinutes(10)));
        Assert.Equal(1, repeat.Sequence);
        Assert.True(repeat.ShouldNotify);
    }

    [Fact]
    public void An_ack_emits_an_acknowledged_event_stops_re_notification_and_resolution_still_resolves()
    {
        var h = new HygieneHarness(Cpu());
        var fired = Assert.Single(h.Cpu("prod-db-01", 95, T0));

        var (outcome, events) = h.Ack(Key, "alice", T0.AddMinutes(1), "looking at it");
        Assert.Equal(AckOutcome.Acknowledged, outcome);
        var acked = Assert.Single(events);
        Assert.Equal(AlertStatus.Acknowledged, acked.Status);
        Assert.Equal("alice", acked.AcknowledgedBy);
        Assert.Equal(fired.CorrelationId, acked.CorrelationId);
        Assert.Contains("looking at it", acked.Description);
        Assert.True(acked.ShouldNotify);

        Assert.Empty(h.Cpu("prod-db-01", 97, T0.AddMinutes(10)));
        Assert.Empty(h.Cpu("prod-db-01", 97, T0.AddMinutes(20)));
        Assert.Empty(h.Tick(T0.AddMinutes(21)));

        var resolved = Assert.Single(h.Cpu("prod-db-01", 50, T0.AddMinutes(25)));
        Assert.Equal(AlertStatus.Resolved, resolved.Status);
        Assert.Equal("alice", resolved.AcknowledgedBy);
        Assert.True(resolved.ShouldNotify);
        Assert.Null(h.Store.Get(Key));
    }

    [Fact]
    public void Acks_are_idempotent_and_do_not_apply_to_nothing_or_to_a_later_episode()
    {
        var h = new HygieneHarness(Cpu());
        Assert.Equal(AckOutcome.NotFiring, h.Ack(Key, "bob", T0).Outcome);
        h.Cpu("prod-db-01", 95, T0);
        Assert.Equal(AckOutcome.Stale, h.Ack(Key, "bob", T0.AddMinutes(-5)).Outcome);   // an ack of an earlier episode
        Assert.Equal(AckOutcome.Acknowledged, h.Ack(Key, "bob", T0.AddSeconds(30)).Outcome);
        var (again, events) = h.Ack(Key, "bob", T0.AddSeconds(30));                       // replayed record
        Assert.Equal(AckOutcome.AlreadyAcknowledged, again);
        Assert.Empty(events);

        h.Cpu("prod-db-01", 50, T0.AddMinutes(1));
        var next = Assert.Single(h.Cpu("prod-db-01", 95, T0.AddMinutes(2)));             // a new episode starts unacknowledged
        Assert.Null(next.AcknowledgedBy);
        Assert.True(next.ShouldNotify);
    }

    [Fact]
    public void Escalation_fires_after_each_step_raising_severity_then_routing()
    {
        var h = new HygieneHarness(Cpu(escalation: TwoSteps));
        var fired = Assert.Single(h.Cpu("prod-db-01", 95, T0));
        Assert.Equal(Severities.Warning, fired.Severity);

        Assert.Empty(h.Tick(T0.AddMinutes(14)));
        var step1 = Assert.Single(h.Tick(T0.AddMinutes(15)));
        Assert.Equal(AlertStatus.Escalated, step1.Status);
        Assert.Equal(1, step1.Sequence);
        Assert.Equal(Severities.Critical, step1.Severity);
        Assert.Equal(Severities.Critical, step1.Labels["severity"]);
        Assert.Equal("dba-oncall", step1.RoutingKey);
        Assert.Equal(fired.CorrelationId, step1.CorrelationId);
        Assert.Empty(h.Tick(T0.AddMinutes(20)));

        var step2 = Assert.Single(h.Tick(T0.AddMinutes(30)));
        Assert.Equal(2, step2.Sequence);
        Assert.Equal("dba-managers", step2.RoutingKey);
        Assert.Equal(Severities.Critical, step2.Severity);                          // kept, never lowered
        Assert.Empty(h.Tick(T0.AddHours(3)));

        var repeat = Assert.Single(h.Cpu("prod-db-01", 95, T0.AddMinutes(40)));
        Assert.Equal(("dba-managers", Severities.Critical), (repeat.RoutingKey, repeat.Severity));
        var resolved = Assert.Single(h.Cpu("prod-db-01", 50, T0.AddMinutes(45)));
        Assert.Equal("dba-managers", resolved.RoutingKey);
    }

    [Fact]
    public void No_escalation_after_an_ack()
    {
        var h = new HygieneHarness(Cpu(escalation: TwoSteps));
        h.Cpu("prod-db-01", 95, T0);
        h.Ack(Key, "alice", T0.AddMinutes(10));
        Assert.Empty(h.Tick(T0.AddMinutes(15)));
        Assert.Empty(h.Tick(T0.AddHours(2)));
    }

    [Fact]
    public void Several_overdue_steps_give_one_escalation_to_the_highest()
    {
        var h = new HygieneHarness(Cpu(escalation: TwoSteps));
        h.Cpu("prod-db-01", 95, T0);
        var e = Assert.Single(h.Tick(T0.AddHours(1)));
        Assert.Equal(2, e.Sequence);
        Assert.Equal((Severities.Critical, "dba-managers"), (e.Severity, e.RoutingKey));
    }

    [Fact]
    public void Escalation_timers_and_acks_survive_a_restart()
    {
        var h = new HygieneHarness(Cpu(escalation: TwoSteps));
        h.Cpu("prod-db-01", 95, T0);
        h.Restart();
        Assert.Equal(1, Assert.Single(h.Tick(T0.AddMinutes(15))).Sequence);
        h.Ack(Key, "carol", T0.AddMinutes(16));
        h.Restart();
        Assert.Empty(h.Tick(T0.AddMinutes(30)));
        Assert.Equal(AckOutcome.AlreadyAcknowledged, h.Ack(Key, "carol", T0.AddMinutes(16)).Outcome);
    }

    [Fact]
    public void A_muted_alert_does_not_escalate_and_its_clock_starts_when_people_are_told()
    {
        var h = new HygieneHarness(Cpu(escalation: TwoSteps));
        h.Silence("maint", T0.AddMinutes(-1), T0.AddHours(1), "instance_id=prod-db-01");
        h.Cpu("prod-db-01", 95, T0);
        Assert.Empty(h.Tick(T0.AddMinutes(30)));
        var released = Assert.Single(h.Tick(T0.AddHours(1)));
        Assert.Equal(AlertStatus.Firing, released.Status);
        Assert.Empty(h.Tick(T0.AddHours(1).AddMinutes(14)));
        Assert.Equal(1, Assert.Single(h.Tick(T0.AddHours(1).AddMinutes(15))).Sequence);
    }

    [Fact]
    public void Escalation_steps_are_validated()
    {
        var errors = EscalationPolicy.Validate([new() { After = "30m", Severity = "CRITICAL" }, new() { After = "15m", RoutingKey = "x" }, new() { After = "1h" }]);
        Assert.Contains(errors, e => e.Field == "escalation[1].after" && e.Message.Contains("later than the previous"));
        Assert.Contains(errors, e => e.Field == "escalation[2]" && e.Message.Contains("needs a severity or a routing_key"));
    }

    [Fact]
    public void Alert_ids_are_dedup_keys_and_instance_ids_may_hold_colons()
    {
        Assert.True(AlertReference.TryParse("cpu-high:db1.example.com:5432:cpu_usage_percent", out var r, out _));
        Assert.Equal(("cpu-high", "db1.example.com:5432", "cpu_usage_percent"), (r!.RuleId, r.InstanceId, r.MetricName));
        Assert.False(AlertReference.TryParse("4f0c2d1e9a", out _, out var error));
        Assert.Contains("rule_id:instance_id:metric_name", error);
        Assert.False(AlertReference.TryParse("cpu-high::cpu", out _, out _));
    }

    [Theory]
    [InlineData("orders")]
    [InlineData("odd:name{with}\"braces\"")]
    public void Alert_ids_of_labelled_series_carry_their_labels_and_read_back_to_the_same_key(string database)
    {
        var key = DedupKeys.For("pg-wraparound", "db1:5432", "pg_database_wraparound_ratio", new Dictionary<string, string> { ["database"] = database });
        Assert.True(AlertReference.TryParse(key, out var r, out var error), error);
        Assert.Equal(("pg-wraparound", "db1:5432", "pg_database_wraparound_ratio", database), (r!.RuleId, r.InstanceId, r.MetricName, r.Labels["database"]));
        Assert.Equal(key, r.DedupKey);
        Assert.False(AlertReference.TryParse("pg-wraparound:db1:pg_database_wraparound_ratio{database=orders}", out _, out error));
        Assert.Contains("labels do not read", error);
    }
}
