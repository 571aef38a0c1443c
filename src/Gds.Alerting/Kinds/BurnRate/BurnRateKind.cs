using System.Text;
using Gds.Alerting.Rules;
using Gds.Alerting.State;
using Gds.Contracts.Metrics;

namespace Gds.Alerting.Kinds.BurnRate;

/// <summary>
/// SLO burn rate, multi-window and multi-burn-rate as in the SRE Workbook. The SLI is either a pair of cumulative
/// counters (bad_metric / total_metric, resets handled) or the share of samples of selector.metric that breach
/// `op value`. The burn rate of a window is its error ratio divided by the budget (1 - objective); a pair fires
/// only when its long window (enough budget spent to matter) and its short window (still burning now) both burn
/// faster than its factor, and the alert takes the severity of the most severe firing pair.
/// </summary>
public sealed class BurnRateKind : IRuleKind
{
    public string Name => RuleKinds.BurnRate;

    public IEnumerable<(string Field, string Message)> Validate(Rule rule)
    {
        if (rule.Objective is not { } o) yield return ("objective", "is required for a burn_rate rule: the SLO target in percent, e.g. 99.9");
        else if (!double.IsFinite(o) || o <= 0 || o >= 100) yield return ("objective", $"{o} must lie strictly between 0 and 100 (a percentage such as 99.9)");
        if (rule.Period is { } p && (!DurationText.TryParse(p, out var period) || period <= TimeSpan.Zero))
            yield return ("period", $"'{p}' is not a positive duration (e.g. 30d)");
        if (rule.Rate) yield return ("rate", "does not apply to burn_rate (bad_metric and total_metric are read as counters already)");

        var counters = rule.BadMetric is not null || rule.TotalMetric is not null;
        var share = rule.Op is not null || rule.Value is not null;
        if (counters && share)
            yield return ("op", "use either bad_metric/total_metric (counters) or op/value on selector.metric (share of samples), not both");
        else if (counters)
        {
            if (string.IsNullOrWhiteSpace(rule.BadMetric)) yield return ("bad_metric", "is required with total_metric: the counter of failed events");
            if (string.IsNullOrWhiteSpace(rule.TotalMetric)) yield return ("total_metric", "is required with bad_metric: the counter of all events");
            if (rule.BadMetric is not null && rule.BadMetric == rule.TotalMetric) yield return ("total_metric", "must differ from bad_metric");
            if (!string.IsNullOrWhiteSpace(rule.Selector.Metric))
                yield return ("selector.metric", "leave it out with bad_metric/total_metric: those two name the metrics read");
        }
        else if (share)
        {
            if (string.IsNullOrWhiteSpace(rule.Selector.Metric)) yield return ("selector.metric", "is required: the metric whose samples are judged good or bad by op/value");
            if (rule.Op is null) yield return ("op", "is required with value: one of " + string.Join(" ", Comparison.Operators));
            else if (!Comparison.IsOperator(rule.Op)) yield return ("op", $"'{rule.Op}' is not one of " + string.Join(" ", Comparison.Operators));
            if (rule.Value is null) yield return ("value", "is required with op: a sample breaching 'op value' counts as a bad event");
            else if (!double.IsFinite(rule.Value.Value)) yield return ("value", "must be a finite number");
        }
        else
        {
            yield return ("bad_metric", "a burn_rate rule needs an SLI: bad_metric and total_metric (counters), or op and value on selector.metric (share of bad samples)");
        }

        if (rule.Windows is { } windows)
        {
            if (windows.Count == 0) yield return ("windows", "must list at least one {long, short, factor} pair, or be left out for the defaults");
            for (var i = 0; i < windows.Count; i++)
            {
                var w = windows[i];
                var okLong = DurationText.TryParse(w.Long, out var l) && l > TimeSpan.Zero;
                var okShort = DurationText.TryParse(w.Short, out var s) && s > TimeSpan.Zero;
                if (!okLong) yield return ($"windows[{i}].long", $"'{w.Long}' is not a positive duration (e.g. 1h)");
                if (!okShort) yield return ($"windows[{i}].short", $"'{w.Short}' is not a positive duration (e.g. 5m)");
                if (okLong && okShort && s >= l) yield return ($"windows[{i}].short", $"{w.Short} must be shorter than long ({w.Long})");
                if (!double.IsFinite(w.Factor) || w.Factor <= 0) yield return ($"windows[{i}].factor", $"{w.Factor} must be a positive burn rate, e.g. 14.4");
                if (w.Severity is { } sev && !Severities.All.Contains(sev))
                    yield return ($"windows[{i}].severity", $"'{sev}' is not one of {string.Join(", ", Severities.All)}");
            }
        }
    }

    public IReadOnlyList<string> InputMetrics(Rule rule) =>
        rule.BadMetric is not null ? [rule.BadMetric, rule.TotalMetric!] : [rule.Selector.Metric!];

    // Both counters feed one series: the alert is about the SLO, not about either metric alone.
    public string SeriesMetric(CompiledRule rule, Metric sample) => BurnRatePlan.For(rule).SeriesMetric;

    public Condition Observe(CompiledRule rule, SeriesState state, Metric sample)
    {
        var plan = BurnRatePlan.For(rule);
        var st = StateFor(plan, state);
        var at = sample.Timestamp;
        var quiet = state.Lifecycle.Phase == AlertPhase.Inactive;
        st.FirstAt ??= at;
        if (!double.IsFinite(sample.Value)) return Condition.Unknown("sample value is not a finite number");

        if (!plan.FromCounters)
        {
            var bad = Comparison.Holds(rule.Rule.Op!, sample.Value, rule.Rule.Value!.Value) ? 1.0 : 0.0;
            Add(plan, st, at, bad, 1);
            return Evaluate(plan, st, at, quiet);
        }

        if (sample.MetricName == rule.Rule.BadMetric)
        {
            var delta = Increase(st.PreviousBad, sample.Value);
            st.PreviousBad = sample.Value;
            st.LastBadAt = at;
            if (delta is { } d) Add(plan, st, at, d, 0);
            // Judge only once the total of the same moment is in: a bad count without its total would read as a
            // spike of errors. Counters published together at one timestamp are judged on whichever comes second.
            return st.LastTotalAt is { } lt && lt >= at && st.PreviousTotal is not null && delta is not null
                ? Evaluate(plan, st, at, quiet)
                : Condition.Unknown("waiting for the total counter of this moment");
        }
        else
        {
            var delta = Increase(st.PreviousTotal, sample.Value);
            st.PreviousTotal = sample.Value;
            st.LastTotalAt = at;
            if (delta is not { } d) return Condition.Unknown("first sample of the total counter");
            Add(plan, st, at, 0, d);
            return Evaluate(plan, st, at, quiet);
        }
    }

    /// <summary>
    /// Without samples the windows only drain: once the series has been silent for a whole short window, a firing
    /// alert is judged again at <paramref name="now"/> and may resolve. Time alone never starts a burn.
    /// </summary>
    public Condition? Tick(CompiledRule rule, SeriesState state, DateTimeOffset now)
    {
        if (state.Lifecycle.Phase == AlertPhase.Inactive || state.Kind is not BurnRateState st) return null;
        var plan = BurnRatePlan.For(rule);
        if (st.Rings.Count != plan.Rings.Count || now - state.NewestSeenAt < plan.ShortestShort) return null;
        var c = Evaluate(plan, st, now, quiet: false);
        return c.State == ConditionState.Clear ? c : null;
    }

    /// <summary>A counter's increase since its previous value; a drop is a reset, counted from zero.</summary>
    public static double? Increase(double? previous, double value) =>
        previous is not { } p ? null : value >= p ? value - p : value;

    private static BurnRateState StateFor(BurnRatePlan plan, SeriesState state)
    {
        if (state.Kind is BurnRateState s && s.Rings.Count == plan.Rings.Count && s.Rings[0].Index.Length == BurnRatePlan.BucketsPerWindow + 1)
            return s;
        var fresh = new BurnRateState();
        for (var i = 0; i < plan.Rings.Count; i++) fresh.Rings.Add(BucketRing.Create(BurnRatePlan.BucketsPerWindow + 1));
        state.Kind = fresh;
        return fresh;
    }

    private static void Add(BurnRatePlan plan, BurnRateState st, DateTimeOffset at, double bad, double total)
    {
        for (var i = 0; i < st.Rings.Count; i++) st.Rings[i].Add(at, plan.BucketTicks(i), bad, total);
    }

    /// <summary>The burn rate of every window length at <paramref name="at"/>: error ratio / budget (0 without traffic).</summary>
    public static double[] BurnRates(BurnRatePlan plan, BurnRateState st, DateTimeOffset at)
    {
        var burns = new double[plan.Rings.Count];
        for (var i = 0; i < burns.Length; i++)
        {
            var (bad, total) = st.Rings[i].Sum(at, plan.BucketTicks(i));
            burns[i] = total > 0 ? Math.Max(0, bad) / total / plan.Budget : 0;
        }
        return burns;
    }

    private static Condition Evaluate(BurnRatePlan plan, BurnRateState st, DateTimeOffset at, bool quiet)
    {
        var burns = BurnRates(plan, st, at);
        BurnRatePair? worst = null;
        var firing = new List<BurnRatePair>();
        BurnRatePair closest = plan.Pairs[0];
        var closestScore = double.MinValue;
        foreach (var p in plan.Pairs)
        {
            double bl = burns[p.LongRing], bs = burns[p.ShortRing];
            var score = Math.Min(bl, bs) / p.Factor;
            if (score > closestScore) { closestScore = score; closest = p; }
            // A pair fires once its short window of history exists (a new series' first minutes say nothing
            // about three days), and only when both windows burn faster than the factor: a ratio exactly on the
            // budget is not a burn, whatever the rounding of the sums.
            var limit = p.Factor * (1 + 1e-9);
            if (bl > limit && bs > limit && st.FirstAt is { } first && at - first >= p.Short)
            {
                firing.Add(p);
                if (worst is null || Severities.Rank(p.Severity) > Severities.Rank(worst.Severity)) worst = p;
            }
        }

        if (worst is null)
        {
            var cl = burns[closest.LongRing];
            if (quiet) return Condition.Quiet(cl);
            return Condition.Clear(cl, Expected(closest),
                $"No window pair burns too fast: {Describe(plan, closest, burns)}.");
        }

        var detail = new StringBuilder();
        detail.Append($"{worst.Severity} pair {worst.Name} at {KindText.Num(worst.Factor)}×: {Describe(plan, worst, burns)}");
        detail.Append($"; {KindText.Percent(burns[worst.LongRing] * worst.Long.TotalSeconds / plan.Period.TotalSeconds)} of the {KindText.Duration(plan.Period)} error budget");
        detail.Append($" (SLO {KindText.Num(plan.Objective)}%) spent in the last {KindText.Duration(worst.Long)}.");
        foreach (var other in firing.Where(f => f != worst))
            detail.Append($" Also firing: {other.Severity} pair {other.Name} at {KindText.Num(other.Factor)}×.");
        return Condition.Breach(burns[worst.LongRing], Expected(worst), detail.ToString(), worst.Severity);
    }

    private static string Expected(BurnRatePair p) => p.Expected;

    private static string Describe(BurnRatePlan plan, BurnRatePair p, double[] burns) =>
        $"burn rate {KindText.Num(burns[p.LongRing])}× over {KindText.Duration(p.Long)} " +
        $"and {KindText.Num(burns[p.ShortRing])}× over {KindText.Duration(p.Short)} " +
        $"(error ratio {KindText.Percent(burns[p.LongRing] * plan.Budget)} / {KindText.Percent(burns[p.ShortRing] * plan.Budget)} against a budget of {KindText.Percent(plan.Budget)})";
}
