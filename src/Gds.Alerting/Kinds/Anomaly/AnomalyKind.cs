using Gds.Alerting.Rules;
using Gds.Alerting.State;
using Gds.Contracts.Metrics;
using Gds.Contracts.Rules;

namespace Gds.Alerting.Kinds.Anomaly;

/// <summary>
/// A streaming anomaly detector per series, O(1) in memory and time per sample. The baseline is an exponentially
/// weighted mean and variance (exact mean and variance over the first samples, then a memory of ~50 samples),
/// one per hour of the season when `seasonality` is set, so a clean daily cycle is the baseline, not an anomaly.
///
/// A sample whose z-score passes `sensitivity` in the watched `direction` starts an anomalous run; the run lasts
/// while |z| stays above half the sensitivity (hysteresis, so a shifted series does not flap) and its samples are
/// kept out of the baseline, so an outage does not teach the detector that the outage is normal. A run that lasts
/// as long as the warm-up (and at least 10 samples) is a level shift: every baseline moves to the run's level,
/// the condition clears, and the shift has fired exactly once.
/// </summary>
public sealed class AnomalyKind : IRuleKind
{
    public string Name => RuleKinds.Anomaly;

    public IEnumerable<(string Field, string Message)> Validate(Rule rule)
    {
        if (string.IsNullOrWhiteSpace(rule.Selector.Metric)) yield return ("selector.metric", "is required for an anomaly rule");
        if (rule.Sensitivity is { } s && (!double.IsFinite(s) || s <= 0))
            yield return ("sensitivity", $"{s} must be a positive z-score, e.g. 4 (higher is quieter)");
        if (AnomalyPlan.ParseDirection(rule.Direction) is null)
            yield return ("direction", $"'{rule.Direction}' is not one of up, down, both");
        if (rule.Warmup is { } w && (!DurationText.TryParse(w, out var wd) || wd < TimeSpan.Zero))
            yield return ("warmup", $"'{w}' is not a duration (e.g. 1h)");
        if (rule.Seasonality is { } season && !string.IsNullOrWhiteSpace(season))
        {
            if (!DurationText.TryParse(season, out var sd)) yield return ("seasonality", $"'{season}' is not a duration (e.g. 24h)");
            else if (sd.Ticks % AnomalyPlan.SlotWidth.Ticks != 0 || sd < TimeSpan.FromHours(2) || sd > TimeSpan.FromDays(7))
                yield return ("seasonality", $"'{season}' must be a whole number of hours between 2h and 7d (24h for a daily cycle, 7d for a weekly one)");
        }
        if (rule.Op is not null || rule.Value is not null) yield return ("op", "does not apply to an anomaly rule (use a threshold rule)");
    }

    public IReadOnlyList<string> InputMetrics(Rule rule) => [rule.Selector.Metric!];

    public string SeriesMetric(CompiledRule rule, Metric sample) => sample.MetricName;

    public Condition Observe(CompiledRule rule, SeriesState state, Metric sample)
    {
        var plan = AnomalyPlan.For(rule);
        if (state.Kind is not AnomalyState st || st.Mean.Length != plan.Slots)
            state.Kind = st = AnomalyState.Create(plan.Slots);
        var x = sample.Value;
        var at = sample.Timestamp;
        if (!double.IsFinite(x)) return Condition.Unknown("sample value is not a finite number");
        st.FirstAt ??= at;

        var slot = plan.SlotOf(at);
        if (st.Count[slot] < AnomalyPlan.MinSamples || at - st.FirstAt.Value < plan.Warmup)
        {
            Learn(st, slot, x);
            return Condition.Unknown("warming up");
        }

        var mean = st.Mean[slot];
        var sigma = Sigma(mean, st.Variance[slot]);
        var residual = x - mean;
        var z = residual / sigma;
        var band = plan.Sensitivity * sigma;

        if (st.RunCount > 0)
        {
            if (Beyond(plan, z, plan.Sensitivity / 2))
            {
                AddToRun(st, residual);
                if (at - st.RunStart!.Value >= plan.Warmup && st.RunCount >= AnomalyPlan.MinSamples)
                    return Rebaseline(plan, st, slot, x, at);
                return Condition.Breach(x, Expected(mean, band), Explain(plan, st, slot, x, z, mean, band));
            }
            EndRun(st);
            Learn(st, slot, x);
            return Condition.Clear(x, Expected(mean, band), $"{KindText.Num(x)} is back within {plan.SlotName(slot)} ({KindText.Num(mean)} ± {KindText.Num(band)}).");
        }

        if (Beyond(plan, z, plan.Sensitivity))
        {
            st.RunStart = at;
            st.RunCount = 1;
            st.RunMean = residual;
            st.RunVariance = 0;
            return Condition.Breach(x, Expected(mean, band), Explain(plan, st, slot, x, z, mean, band));
        }
        Learn(st, slot, x);
        return state.Lifecycle.Phase == AlertPhase.Inactive ? Condition.Quiet(x) : Condition.Clear(x, Expected(mean, band));
    }

    private static string Expected(double mean, double band) => $"within {KindText.Num(mean)} ± {KindText.Num(band)}";

    public Condition? Tick(CompiledRule rule, SeriesState state, DateTimeOffset now) => null;

    /// <summary>The standard deviation used for z-scores, floored so a flat series cannot divide by zero.</summary>
    public static double Sigma(double mean, double variance) =>
        Math.Max(Math.Sqrt(Math.Max(0, variance)), Math.Max(AnomalyPlan.RelativeSigmaFloor * Math.Abs(mean), 1e-9));

    private static bool Beyond(AnomalyPlan plan, double z, double limit) => plan.Direction switch
    {
        AnomalyDirection.Up => z >= limit,
        AnomalyDirection.Down => z <= -limit,
        _ => Math.Abs(z) >= limit,
    };

    /// <summary>Exponentially weighted mean and variance; the weight 1/n at first makes them exact over a short history.</summary>
    private static void Learn(AnomalyState st, int slot, double x)
    {
        if (st.Count[slot] < int.MaxValue) st.Count[slot]++;
        var alpha = Math.Max(1.0 / st.Count[slot], AnomalyPlan.AlphaFloor);
        var d = x - st.Mean[slot];
        st.Mean[slot] += alpha * d;
        st.Variance[slot] = (1 - alpha) * (st.Variance[slot] + alpha * d * d);
    }

    private static void AddToRun(AnomalyState st, double residual)
    {
        st.RunCount++;
        var alpha = Math.Max(1.0 / st.RunCount, AnomalyPlan.RunAlphaFloor);
        var d = residual - st.RunMean;
        st.RunMean += alpha * d;
        st.RunVariance = (1 - alpha) * (st.RunVariance + alpha * d * d);
    }

    private static void EndRun(AnomalyState st)
    {
        st.RunStart = null;
        st.RunCount = 0;
        st.RunMean = 0;
        st.RunVariance = 0;
    }

    /// <summary>
    /// The shift has lasted: it is the new normal. Every baseline moves by the run's level (a level shift moves the
    /// whole daily cycle), and none gets narrower than the run's own spread, so the new level is not judged by the
    /// old noise.
    /// </summary>
    private static Condition Rebaseline(AnomalyPlan plan, AnomalyState st, int slot, double x, DateTimeOffset at)
    {
        var shift = st.RunMean;
        var lasted = at - st.RunStart!.Value;
        var samples = st.RunCount;
        var before = st.Mean[slot];
        for (var i = 0; i < st.Mean.Length; i++)
        {
            st.Mean[i] += shift;
            st.Variance[i] = Math.Max(st.Variance[i], st.RunVariance);
        }
        EndRun(st);
        var mean = st.Mean[slot];
        var band = plan.Sensitivity * Sigma(mean, st.Variance[slot]);
        return Condition.Clear(x, Expected(mean, band),
            $"Level shift accepted as the new normal after {KindText.Duration(lasted)} ({samples} samples): " +
            $"{plan.SlotName(slot)} moved from {KindText.Num(before)} to {KindText.Num(mean)}.");
    }

    private static string Explain(AnomalyPlan plan, AnomalyState st, int slot, double x, double z, double mean, double band) =>
        $"Observed {KindText.Num(x)} is {KindText.Num(Math.Abs(z))}σ {(z >= 0 ? "above" : "below")} {plan.SlotName(slot)} " +
        $"{KindText.Num(mean)} (expected band {KindText.Num(mean - band)} to {KindText.Num(mean + band)} at sensitivity {KindText.Num(plan.Sensitivity)}); " +
        $"anomalous since {KindText.Time(st.RunStart!.Value)} ({st.RunCount} sample{(st.RunCount == 1 ? "" : "s")}).";
}
