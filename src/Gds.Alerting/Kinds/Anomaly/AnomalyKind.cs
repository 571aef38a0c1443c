using Gds.Alerting.Rules;
using Gds.Alerting.State;
using Gds.Contracts.Metrics;
using Gds.Contracts.Rules;

namespace Gds.Alerting.Kinds.Anomaly;

/// <summary>
/// An anomaly rule: each series gets its own <see cref="AnomalyDetector"/>, whose episodes are the rule's alerts
/// (one alert per episode: it fires when the episode starts and resolves when the series has been calm again for
/// a while). The texts say what was expected, how unusual the value is and since when.
/// </summary>
public sealed class AnomalyKind : IRuleKind
{
    public string Name => RuleKinds.Anomaly;

    public IEnumerable<(string Field, string Message)> Validate(Rule rule)
    {
        if (string.IsNullOrWhiteSpace(rule.Selector.Metric)) yield return ("selector.metric", "is required for an anomaly rule");
        if (rule.Sensitivity is { } s && (!double.IsFinite(s) || s <= 0 || s > AnomalyPlan.MaxSensitivity))
            yield return ("sensitivity", $"{s} must be a positive number of expected false alarms per series-week on normal data, at most {AnomalyPlan.MaxSensitivity} (default {AnomalyPlan.DefaultSensitivity}; lower is quieter)");
        if (AnomalyPlan.ParseDirection(rule.Direction) is null)
            yield return ("direction", $"'{rule.Direction}' is not one of up, down, both");
        if (rule.Warmup is { } w && (!DurationText.TryParse(w, out var wd) || wd < TimeSpan.Zero))
            yield return ("warmup", $"'{w}' is not a duration (e.g. 1h)");
        if (AnomalyPlan.ParseSeasonality(rule.Seasonality) is null)
            yield return ("seasonality", $"'{rule.Seasonality}' is not one of auto (default: a learned hour-of-day profile, weekends apart; also 7d), 24h (one profile for every day), none");
        if (rule.Op is not null || rule.Value is not null) yield return ("op", "does not apply to an anomaly rule (use a threshold rule)");
    }

    public IReadOnlyList<string> InputMetrics(Rule rule) => [rule.Selector.Metric!];

    public string SeriesMetric(CompiledRule rule, Metric sample) => sample.MetricName;

    public Condition Observe(CompiledRule rule, SeriesState state, Metric sample)
    {
        var plan = AnomalyPlan.For(rule);
        if (state.Kind is not AnomalyState st) state.Kind = st = new AnomalyState();
        if (!double.IsFinite(sample.Value)) return Condition.Unknown("sample value is not a finite number");
        var episodeAt = st.EpisodeAtTicks;
        var v = AnomalyDetector.Step(plan, st, sample.Timestamp, sample.Value);
        switch (v.Step)
        {
            case AnomalyStep.Unknown:
                return Condition.Unknown(st.Learned == 0 ? "warming up" : null);
            case AnomalyStep.Normal:
                return state.Lifecycle.Phase == AlertPhase.Inactive ? Condition.Quiet(v.Observed) : Condition.Clear(v.Observed, Expected(st, v));
            case AnomalyStep.Ended:
                var began = new DateTimeOffset(episodeAt, TimeSpan.Zero);
                return Condition.Clear(v.Observed, Expected(st, v),
                    $"{What(st)} {KindText.Num(v.Observed)}{Unit(st)} is back {Band(v)}{Unit(st)}; " +
                    $"the anomaly began {KindText.Time(began)} and lasted {KindText.Duration(sample.Timestamp - began)}.");
            default:
                return Condition.Breach(v.Observed, Expected(st, v), Explain(plan, st, v));
        }
    }

    public Condition? Tick(CompiledRule rule, SeriesState state, DateTimeOffset now) => null;

    public bool ActsOnTicks => false;

    private static string What(AnomalyState st) => st.Mode == AnomalySeriesMode.Counter ? "The rate" : "The value";

    private static string Unit(AnomalyState st) => st.Mode == AnomalySeriesMode.Counter ? "/s" : "";

    private static string Expected(AnomalyState st, AnomalyVerdict v) => v.Cause == AnomalyCause.Stall && v.Step != AnomalyStep.Ended
        ? $"a value that changes (it changes on {KindText.Percent(1 - st.RepeatRate)} of samples)"
        : Band(v);

    /// <summary>`within 100 ± 16`; a band wider on one side (a counter's, judged on a log scale) as `between 0.94 and 2.1`.</summary>
    private static string Band(AnomalyVerdict v) =>
        Math.Abs(v.High - v.Expected - (v.Expected - v.Low)) <= 1e-9 * Math.Max(1, Math.Abs(v.Expected))
            ? $"within {KindText.Num(v.Expected)} ± {KindText.Num(v.High - v.Expected)}"
            : $"between {KindText.Num(v.Low)} and {KindText.Num(v.High)}";

    private static string Explain(AnomalyPlan plan, AnomalyState st, AnomalyVerdict v)
    {
        var side = v.Statistic >= 0 ? "above" : "below";
        var interval = TimeSpan.FromSeconds(Math.Round(st.Interval));
        var unit = Unit(st);
        var what = v.Cause switch
        {
            AnomalyCause.Sample => $"{What(st)} {KindText.Num(v.Observed)}{unit} is {KindText.Num(Math.Abs(v.Statistic))}σ {side} the expected {KindText.Num(v.Expected)}{unit}.",
            AnomalyCause.Short => $"{What(st)} has been on average {KindText.Num(Math.Abs(v.Statistic))}σ {side} the expected {KindText.Num(v.Expected)}{unit} over the last ~6 samples (now {KindText.Num(v.Observed)}{unit}).",
            AnomalyCause.Medium => $"{What(st)} has been on average {KindText.Num(Math.Abs(v.Statistic))}σ {side} the expected {KindText.Num(v.Expected)}{unit} over the last ~{KindText.Duration(interval * 36)} (now {KindText.Num(v.Observed)}{unit}).",
            AnomalyCause.Spread => $"{What(st)} varies {KindText.Num(Math.Sqrt(Math.Max(v.Statistic, 0)))}× as much as usual around the expected {KindText.Num(v.Expected)}{unit} (now {KindText.Num(v.Observed)}{unit}).",
            AnomalyCause.Long => $"{What(st)} has been on average {KindText.Num(Math.Abs(v.Statistic))}σ {side} the expected {KindText.Num(v.Expected)}{unit} over the last ~{KindText.Duration(interval * 144)} (now {KindText.Num(v.Observed)}{unit}).",
            AnomalyCause.Context => $"{What(st)} has moved to {KindText.Num(Math.Abs(v.Statistic))}σ {side} its usual {KindText.Num(v.Expected)}{unit} for this time and stays there (now {KindText.Num(v.Observed)}{unit}): a change too gradual for any single sample to look unusual, as a leak is.",
            _ => st.Mode == AnomalySeriesMode.Counter
                ? $"The counter has not increased from {KindText.Num(st.Previous)} for {KindText.Duration(interval * st.Run)} ({st.Run + 1} samples); it normally increases on {KindText.Percent(1 - st.RepeatRate)} of samples."
                : $"The value has stayed at {KindText.Num(st.Previous)} for {KindText.Duration(interval * st.Run)} ({st.Run + 1} samples); it normally changes on {KindText.Percent(1 - st.RepeatRate)} of samples.",
        };
        var rarity = v.RarityWeeks >= 1e6 ? "far rarer than once in a million" : $"about once in {KindText.Num(Math.Round(v.RarityWeeks, v.RarityWeeks >= 10 ? 0 : 1))}";
        var profile = plan.Profiled && st.Learned >= 7 * 24 * 3600 / Math.Max(st.Interval, 1) ? " for this hour of the " + (plan.WeekendsApart ? "week" : "day") : "";
        return $"{what} Expected band{profile}: {KindText.Num(v.Low)} to {KindText.Num(v.High)}{unit}. " +
               $"On normal data this is {rarity} series-weeks (sensitivity {KindText.Num(plan.Sensitivity)} false alarms per series-week). " +
               $"Anomalous since {KindText.Time(new DateTimeOffset(st.EpisodeAtTicks, TimeSpan.Zero))} ({st.EpisodeSamples} sample{(st.EpisodeSamples == 1 ? "" : "s")}).";
    }
}
