using System.Globalization;
using System.Runtime.CompilerServices;
using Gds.Alerting.Rules;
using Gds.Alerting.State;
using Gds.Contracts.Metrics;
using Gds.Contracts.Rules;

namespace Gds.Alerting.Kinds.Threshold;

/// <summary>
/// `op value` on each sample, or on a counter's per-second rate (`rate: true`; a drop is a counter reset and
/// counts from zero, as Prometheus' rate does). With `resolve_value` a firing alert clears only once the value
/// passes the resolve value, so a series hovering at the threshold does not flap.
/// </summary>
public sealed class ThresholdKind : IRuleKind
{
    // The "> 90" text every condition carries: formatting the number on every sample cost more than comparing it.
    private static readonly ConditionalWeakTable<Rule, string> ExpectedText = new();

    public string Name => RuleKinds.Threshold;

    public IEnumerable<(string Field, string Message)> Validate(Rule rule)
    {
        if (string.IsNullOrWhiteSpace(rule.Selector.Metric)) yield return ("selector.metric", "is required for a threshold rule");
        if (rule.Op is null) yield return ("op", "is required: one of " + string.Join(" ", Comparison.Operators));
        else if (!Comparison.IsOperator(rule.Op)) yield return ("op", $"'{rule.Op}' is not one of " + string.Join(" ", Comparison.Operators));
        if (rule.Value is null) yield return ("value", "is required for a threshold rule");
        else if (!double.IsFinite(rule.Value.Value)) yield return ("value", "must be a finite number");
        if (rule.ResolveValue is { } rv && rule.Value is { } v && rule.Op is { } op && Comparison.IsOperator(op))
        {
            if (op is "==" or "!=") yield return ("resolve_value", $"does not apply to '{op}'");
            else if (Comparison.Holds(op, rv, v) && rv != v)
                yield return ("resolve_value", $"{Num(rv)} would itself breach '{op} {Num(v)}': it must lie on the healthy side of value");
        }
    }

    public IReadOnlyList<string> InputMetrics(Rule rule) => [rule.Selector.Metric!];

    public string SeriesMetric(CompiledRule rule, Metric sample) => sample.MetricName;

    public Condition Observe(CompiledRule rule, SeriesState state, Metric sample)
    {
        var r = rule.Rule;
        double observed;
        if (r.Rate)
        {
            var ts = state.Kind as ThresholdState ?? new ThresholdState();
            state.Kind = ts;
            var previous = ts.PreviousValue;
            var previousAt = ts.PreviousAt;
            if (previousAt is { } pa && sample.Timestamp <= pa) return Condition.Unknown("sample not newer than the last one");
            ts.PreviousValue = sample.Value;
            ts.PreviousAt = sample.Timestamp;
            if (previous is null || previousAt is null) return Condition.Unknown("first sample of a counter");
            var delta = sample.Value >= previous.Value ? sample.Value - previous.Value : sample.Value; // reset
            observed = delta / (sample.Timestamp - previousAt.Value).TotalSeconds;
        }
        else
        {
            observed = sample.Value;
        }

        var firing = state.Lifecycle.Phase == AlertPhase.Firing;
        var limit = firing && r.ResolveValue is { } resolve ? resolve : r.Value!.Value;
        var expected = ExpectedText.GetValue(r, static r => $"{r.Op} {Num(r.Value!.Value)}" + (r.Rate ? "/s" : ""));
        return Comparison.Holds(r.Op!, observed, limit)
            ? Condition.Breach(observed, expected)
            : Condition.Clear(observed, expected);
    }

    /// <summary>A plain threshold remembers nothing between samples: a new series' sample that does not breach is quiet.</summary>
    public bool IsQuietForNewSeries(CompiledRule rule, Metric sample) =>
        !rule.Rule.Rate && !Comparison.Holds(rule.Rule.Op!, sample.Value, rule.Rule.Value!.Value);

    public Condition? Tick(CompiledRule rule, SeriesState state, DateTimeOffset now) => null;

    private static string Num(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}

public sealed class ThresholdState : KindState
{
    [System.Text.Json.Serialization.JsonPropertyName("prev_value")] public double? PreviousValue { get; set; }
    [System.Text.Json.Serialization.JsonPropertyName("prev_at")] public DateTimeOffset? PreviousAt { get; set; }
}
