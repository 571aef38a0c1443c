using FsCheck;
using FsCheck.Xunit;
using Gds.Alerting.Tests.Support;
using Gds.Contracts.Serialization;
using static Gds.Alerting.Tests.Support.Harness;

namespace Gds.Alerting.Tests;

/// <summary>Properties of the pure evaluators, over generated series (FsCheck picks the seeds and sizes).</summary>
public sealed class PropertyTests
{
    [Property(MaxTest = 40)]
    public bool A_constant_series_never_raises_an_anomaly(int seed, NormalFloat level, PositiveInt intervalSeconds)
    {
        var rng = new Random(seed);
        var c = Math.Clamp(level.Get, -1e9, 1e9);
        var interval = 1 + intervalSeconds.Get % 600;
        var h = new Harness($$"""
            rules:
              - id: a
                kind: anomaly
                selector: { metric: m }
                warmup: {{rng.Next(0, 60)}}m
                sensitivity: {{0.5 + rng.NextDouble() * 8:0.##}}
                direction: {{new[] { "up", "down", "both" }[rng.Next(3)]}}
                seasonality: {{(rng.Next(2) == 0 ? "24h" : "~")}}
            """);
        for (var k = 0; k < 400; k++) h.Feed(Sec(k * interval), c);
        return h.Events.Count == 0;
    }

    [Property(MaxTest = 25)]
    public bool A_constant_error_ratio_within_budget_never_burns(int seed)
    {
        var rng = new Random(seed);
        var objective = new[] { 90, 99, 99.9 }[rng.Next(3)];
        // Whole numbers of events, strictly under the budget in every minute: the burn rate is below 1 in any window.
        var totalPerMinute = 1000 * (1 + rng.Next(10));
        var badPerMinute = rng.Next(0, (int)Math.Round((1 - objective / 100) * totalPerMinute));
        var h = new Harness($$"""
            rules:
              - id: b
                kind: burn_rate
                selector: { }
                objective: {{objective}}
                bad_metric: bad
                total_metric: total
            """);
        for (var k = 1; k <= 2000; k++)
        {
            h.Feed(Min(k), (double)k * badPerMinute, "bad");
            h.Feed(Min(k), (double)k * totalPerMinute, "total");
        }
        return h.Events.Count == 0;
    }

    [Property(MaxTest = 25)]
    public bool A_series_reporting_more_often_than_its_timeout_is_never_absent(PositiveInt timeoutSeconds, PositiveInt seed)
    {
        var timeout = 10 + timeoutSeconds.Get % 600;
        var rng = new Random(seed.Get);
        var h = new Harness($$"""
            rules:
              - id: c
                kind: absence
                selector: { metric: m, instance: db-1 }
                timeout: {{timeout}}s
            """);
        var t = 0.0;
        for (var k = 0; k < 300; k++)
        {
            t += 1 + rng.NextDouble() * (timeout - 1);
            h.Tick(Sec(t - 0.5));
            h.Feed(Sec(t), 7);
        }
        return h.Events.Count == 0;
    }

    [Property(MaxTest = 25)]
    public bool A_constant_threshold_breach_fires_once_and_never_flaps(NormalFloat level)
    {
        var h = new Harness("""
            rules:
              - id: d
                kind: threshold
                selector: { metric: m }
                op: ">"
                value: 0
            """);
        for (var k = 0; k < 200; k++) h.Feed(Min(k), level.Get);
        return h.Events.Count == (level.Get > 0 ? 1 : 0);
    }

    private const string EveryKind = """
        rules:
          - id: hot
            kind: threshold
            selector: { metric: m }
            op: ">"
            value: 70
            for: 30s
            keep_firing_for: 20s
          - id: odd
            kind: anomaly
            selector: { metric: m }
            warmup: 5m
          - id: slo
            kind: burn_rate
            selector: { metric: m }
            objective: 90
            op: ">"
            value: 60
            windows:
              - { long: 10m, short: 1m, factor: 2, severity: CRITICAL }
              - { long: 30m, short: 5m, factor: 1, severity: WARNING }
        """;

    [Property(MaxTest = 30)]
    public bool Shuffling_samples_within_the_grace_period_does_not_change_the_alerts(int seed, PositiveInt graceSeconds)
    {
        var grace = TimeSpan.FromSeconds(5 + graceSeconds.Get % 120);
        var rng = new Random(seed);
        var samples = new List<Metric>();
        foreach (var instance in new[] { "db-1", "db-2" })
        {
            var level = 40.0;
            for (var k = 0; k < 300; k++)
            {
                if (rng.NextDouble() < 0.02) level = rng.Next(2) == 0 ? 40 : 85; // regime changes
                var value = level + rng.NextDouble() * 10 + (rng.NextDouble() < 0.03 ? 50 : 0);
                samples.Add(Sample(Sec(k * 10 + rng.Next(0, 3)), value, instance: instance));
            }
        }
        var inOrder = samples.OrderBy(s => s.Timestamp).ThenBy(s => s.InstanceId).ToList();
        var graceMs = (int)grace.TotalMilliseconds;
        var shuffled = samples.Select(s => (s, arrival: s.Timestamp.AddMilliseconds(rng.Next(0, graceMs))))
            .OrderBy(x => x.arrival).Select(x => x.s).ToList();

        string Run(IEnumerable<Metric> input, TimeSpan g)
        {
            var h = new Harness(EveryKind, g);
            foreach (var s in input) h.Feed(s);
            h.Engine.Drain(h.Store, h.Events);
            // Per series, in order: across series, events interleave as the series' samples are released.
            return string.Join("\n", h.Events.Select((e, i) => (e, i)).OrderBy(x => x.e.DedupKey, StringComparer.Ordinal).ThenBy(x => x.i)
                .Select(x => GdsJson.SerializeToString(x.e)));
        }

        var reference = Run(inOrder, TimeSpan.Zero);
        return reference.Length > 0
            && Run(inOrder, grace) == reference
            && Run(shuffled, grace) == reference;
    }
}

/// <summary>The engine skips the fold of samples a kind calls quiet for a new series: that must never lose an alert.</summary>
public sealed class QuietSampleTests
{
    [Property(MaxTest = 200)]
    public bool A_threshold_calls_quiet_exactly_the_samples_whose_fold_on_a_new_series_clears(int opIndex, NormalFloat limit, NormalFloat value)
    {
        var op = Gds.Alerting.Kinds.Comparison.Operators[Math.Abs(opIndex % Gds.Alerting.Kinds.Comparison.Operators.Count)];
        var rule = Gds.Alerting.Rules.CompiledRule.Compile(new Gds.Contracts.Rules.Rule
        {
            Id = "t", Kind = "threshold", Op = op, Value = Math.Round(limit.Get, 1),
            Selector = new Gds.Contracts.Rules.RuleSelector { Metric = "m" },
        });
        // Values near the limit, and exactly on it, are where a shortcut would disagree.
        var v = opIndex % 3 == 0 ? rule.Rule.Value!.Value : Math.Round(value.Get, 1);
        var sample = new Metric { Timestamp = DateTimeOffset.UnixEpoch, DatabaseType = "postgresql", InstanceId = "i", MetricName = "m", Value = v };
        var fresh = new Gds.Alerting.State.SeriesState { RuleId = "t", InstanceId = "i", MetricName = "m" };
        var condition = rule.Kind.Observe(rule, fresh, sample);
        var foldChangesNothing = condition.State != Gds.Alerting.Kinds.ConditionState.Breach && fresh.Kind is null;
        return rule.Kind.IsQuietForNewSeries(rule, sample) == foldChangesNothing;
    }

    [Fact]
    public void A_counter_rate_threshold_is_never_quiet_because_its_first_sample_must_be_remembered()
    {
        var h = new Harness("""
            rules:
              - id: r
                kind: threshold
                selector: { metric: m }
                op: ">"
                value: 5
                rate: true
            """);
        h.Feed(Sec(0), 0);
        h.Feed(Sec(10), 100); // 10/s
        Assert.Single(h.Events, e => e.Status == "firing");
    }
}
