using Gds.Alerting.Tests.Support;

namespace Gds.Alerting.Tests;

public sealed class RuleTimeScaleTests
{
    [Fact]
    public void Every_duration_that_decides_when_a_rule_fires_runs_faster_and_nothing_else_changes()
    {
        var rule = Harness.Rules("""
            rules:
              - id: lag
                kind: threshold
                selector: { metric: pg_replication_replay_lag_seconds }
                op: ">"
                value: 300
                for: 5m
                keep_firing_for: 10m
                repeat_interval: 1h
                escalation: [{ after: 30m, severity: CRITICAL }]
            """)[0];
        var fast = RuleTimeScale.Apply(rule, 20, TimeSpan.FromSeconds(2));
        Assert.Equal(("15s", "30s", "3m", "1m30s"), (fast.For, fast.KeepFiringFor, fast.RepeatInterval, fast.Escalation![0].After));
        Assert.Equal((300d, ">", "pg_replication_replay_lag_seconds"), (fast.Value!.Value, fast.Op, fast.Selector.Metric));
        Assert.Empty(RuleValidator.Validate(fast, Gds.Alerting.Kinds.RuleKindRegistry.Default));
    }

    [Fact]
    public void Burn_rate_windows_are_scaled_from_their_defaults_and_stay_valid_at_the_floor()
    {
        var rule = Harness.Rules("""
            rules:
              - id: slo
                kind: burn_rate
                selector: { database_type: postgresql }
                bad_metric: bad_total
                total_metric: all_total
                objective: 99
            """)[0];
        var fast = RuleTimeScale.Apply(rule, 600, TimeSpan.FromSeconds(2));
        Assert.Equal(["6s/2s", "36s/3s", "7m12s/36s"], fast.Windows!.Select(w => $"{w.Long}/{w.Short}"));
        Assert.Equal([14.4, 6, 1], fast.Windows!.Select(w => w.Factor));
        Assert.Empty(RuleValidator.Validate(fast, Gds.Alerting.Kinds.RuleKindRegistry.Default));

        var floored = RuleTimeScale.Apply(rule, 100_000, TimeSpan.FromSeconds(2));
        Assert.All(floored.Windows!, w => Assert.True(DurationText.Parse(w.Short, "s") < DurationText.Parse(w.Long, "l")));
    }

    [Fact]
    public void An_absence_timeout_never_drops_below_the_floor()
    {
        var rule = Harness.Rules("""
            rules:
              - id: gone
                kind: absence
                selector: { metric: m }
                timeout: 2m
            """)[0];
        Assert.Equal("5s", RuleTimeScale.Apply(rule, 60, TimeSpan.FromSeconds(5)).Timeout);
        Assert.Same(rule, RuleTimeScale.Apply(rule, 1, TimeSpan.FromSeconds(5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => RuleTimeScale.Apply(rule, 0, TimeSpan.Zero));
    }
}
