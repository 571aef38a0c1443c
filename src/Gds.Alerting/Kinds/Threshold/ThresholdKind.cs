using System.Globalization;
using System.Runtime.CompilerServices;
using Gds.Alerting.Rules;
using Gds.Alerting.State;
using Gds.Contracts.Metrics;

namespace Gds.Alerting.Kinds.Threshold;

/// <summary>
/// `op value` on each sample, or on a counter's per-second rate (`rate: true`; a drop is a counter reset and
/// counts from zero, as Prometheus' rate does). With `resolve_value` a firing alert clears only once the value
/// passes the resolve value, so a series hovering at the threshold does not flap.
/// <para>With `per: COUNTER` the value judged is the increase of selector.metric divided by the increase of that
/// counter over the same interval (Prometheus' <c>rate(a) / rate(b)</c>): time spent per operation is a mean latency,
/// bytes per operation an average size. Both counters feed one series per label set; a moment is judged once both
/// of its samples are in, and an interval in which the per counter did not move (no traffic) is clear.</para>
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
        if (rule.Per is { } per)
        {
            if (string.IsNullOrWhiteSpace(per)) yield return ("per", "must name a counter, e.g. mongodb_op_latency_reads_ops_total");
            else if (per == rule.Selector.Metric) yield return ("per", "must differ from selector.metric");
        }
        if (rule.ResolveValue is { } rv && rule.Value is { } v && rule.Op is { } op && Comparison.IsOperator(op))
        {
            if (op is "==" or "!=") yield return ("resolve_value", $"does not apply to '{op}'");
            else if (Comparison.Holds(op, rv, v) && rv != v)
                yield return ("resolve_value", $"{Num(rv)} would itself breach '{op} {Num(v)}': it must lie on the healthy side of value");
        }
    }

    public IReadOnlyList<string> InputMetrics(Rule rule) =>
        rule.Per is { Length: > 0 } per ? [rule.Selector.Metric!, per] : [rule.Selector.Metric!];

    // With `per`, the per counter's samples belong to the series of selector.metric.
    public string SeriesMetric(CompiledRule rule, Metric sample) => rule.Rule.Per is null ? sample.MetricName : rule.Rule.Selector.Metric!;

    public Condition Observe(CompiledRule rule, SeriesState state, Metric sample)
    {
        var r = rule.Rule;
        double observed;
        if (r.Per is not null)
        {
            var ratio = PerRatio(r, state, sample);
            if (ratio.Unknown is { } why) return Condition.Unknown(why);
            observed = ratio.Value;
        }
        else if (r.Rate)
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
        var expected = ExpectedText.GetValue(r, static r => $"{r.Op} {Num(r.Value!.Value)}" + (r.Per is { } per ? $" per {per}" : r.Rate ? "/s" : ""));
        return Comparison.Holds(r.Op!, observed, limit)
            ? Condition.Breach(observed, expected)
            : Condition.Clear(observed, expected);
    }

    /// <summary>
    /// Increase of the metric / increase of the per counter between the last moment both were seen and this one;
    /// unknown until both samples of a moment are in (collectors publish them with the scrape's one timestamp).
    /// </summary>
    private static (double Value, string? Unknown) PerRatio(Rule r, SeriesState state, Metric sample)
    {
        var ts = state.Kind as ThresholdState ?? new ThresholdState();
        state.Kind = ts;
        // A moment already judged is over: a sample of it or before it arrives too late.
        if (ts.PreviousAt is { } judged && sample.Timestamp <= judged) return (0, "sample not newer than the last one");
        if (sample.MetricName == r.Per) { ts.LastPer = sample.Value; ts.LastPerAt = sample.Timestamp; }
        else { ts.Pending = sample.Value; ts.PendingAt = sample.Timestamp; }
        if (ts.PendingAt is not { } at || ts.LastPerAt != at) return (0, $"waiting for both {r.Selector.Metric} and {r.Per} of this moment");
        var (num, den) = (ts.Pending!.Value, ts.LastPer!.Value);
        var (prevNum, prevDen, prevAt) = (ts.PreviousValue, ts.PreviousPer, ts.PreviousAt);
        ts.PreviousValue = num;
        ts.PreviousPer = den;
        ts.PreviousAt = at;
        ts.Pending = null;
        ts.PendingAt = null;
        if (prevNum is null || prevDen is null || prevAt is null) return (0, "first moment of the counters");
        var dNum = num >= prevNum.Value ? num - prevNum.Value : num;   // a drop is a reset
        var dDen = den >= prevDen.Value ? den - prevDen.Value : den;
        return (dDen > 0 ? dNum / dDen : 0, null);
    }

    /// <summary>A plain threshold remembers nothing between samples: a new series' sample that does not breach is quiet.</summary>
    public bool IsQuietForNewSeries(CompiledRule rule, Metric sample) =>
        !rule.Rule.Rate && rule.Rule.Per is null && !Comparison.Holds(rule.Rule.Op!, sample.Value, rule.Rule.Value!.Value);

    public Condition? Tick(CompiledRule rule, SeriesState state, DateTimeOffset now) => null;

    public bool ActsOnTicks => false;

    private static string Num(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}

public sealed class ThresholdState : KindState
{
    [System.Text.Json.Serialization.JsonPropertyName("prev_value")] public double? PreviousValue { get; set; }
    [System.Text.Json.Serialization.JsonPropertyName("prev_at")] public DateTimeOffset? PreviousAt { get; set; }
    // `per` rules: the per counter at PreviousAt, and the newest samples of each counter until their moment pairs up.
    [System.Text.Json.Serialization.JsonPropertyName("prev_per")] public double? PreviousPer { get; set; }
    [System.Text.Json.Serialization.JsonPropertyName("pending")] public double? Pending { get; set; }
    [System.Text.Json.Serialization.JsonPropertyName("pending_at")] public DateTimeOffset? PendingAt { get; set; }
    [System.Text.Json.Serialization.JsonPropertyName("last_per")] public double? LastPer { get; set; }
    [System.Text.Json.Serialization.JsonPropertyName("last_per_at")] public DateTimeOffset? LastPerAt { get; set; }
}
