using System.Runtime.CompilerServices;
using Gds.Alerting.Rules;
using Gds.Alerting.State;
using Gds.Contracts.Metrics;

namespace Gds.Alerting.Kinds.Absence;

/// <summary>
/// Dead man's switch: no sample for longer than `timeout` → breach, decided on ticks (wall-clock punctuation in
/// the topology, event time in a backtest) so it fires when nothing at all arrives; the next sample clears it.
///
/// Which series are watched: every series that has reported at least once (globs included), plus, when
/// selector.instance names one exact instance, that instance from the moment the rule is first ticked, so an
/// instance that never reports at all alerts `timeout` after the rule came into force.
/// </summary>
public sealed class AbsenceKind : IRuleKind
{
    private static readonly ConditionalWeakTable<CompiledRule, Plan> Plans = new();

    public string Name => RuleKinds.Absence;

    public IEnumerable<(string Field, string Message)> Validate(Rule rule)
    {
        if (rule.Timeout is null) yield return ("timeout", "is required for an absence rule: how long a series may stay silent, e.g. 5m");
        else if (!DurationText.TryParse(rule.Timeout, out var t) || t <= TimeSpan.Zero) yield return ("timeout", $"'{rule.Timeout}' is not a positive duration (e.g. 5m)");
        var scope = AbsenceScopes.Parse(rule.Scope);
        if (scope is null) yield return ("scope", $"'{rule.Scope}' is not one of series, instance, collector");
        if (scope == AbsenceScope.Collector)
        {
            if (rule.Selector.Metric is { Length: > 0 } m && m != HeartbeatSamples.MetricName)
                yield return ("selector.metric", $"leave it out with scope: collector (heartbeats arrive as {HeartbeatSamples.MetricName})");
            if (!string.IsNullOrWhiteSpace(rule.Selector.DatabaseType))
                yield return ("selector.database_type", "does not apply to scope: collector (a collector is not a database); select collectors with selector.instance");
            if (!string.IsNullOrWhiteSpace(rule.Selector.Environment))
                yield return ("selector.environment", "does not apply to scope: collector (heartbeats carry no environment); select collectors with selector.instance");
        }
        if (rule.Op is not null || rule.Value is not null) yield return ("op", "does not apply to an absence rule");
    }

    public IReadOnlyList<string> InputMetrics(Rule rule) =>
        AbsenceScopes.Parse(rule.Scope) == AbsenceScope.Collector ? [HeartbeatSamples.MetricName]
        : string.IsNullOrWhiteSpace(rule.Selector.Metric) ? [] : [rule.Selector.Metric];

    public string SeriesMetric(CompiledRule rule, Metric sample) => PlanFor(rule).Scope switch
    {
        AbsenceScope.Instance => AbsenceScopes.AnyMetric,
        AbsenceScope.Collector => HeartbeatSamples.MetricName,
        _ => sample.MetricName,
    };

    public IReadOnlyDictionary<string, string> SeriesLabels(CompiledRule rule, Metric sample) =>
        PlanFor(rule).Scope == AbsenceScope.Series ? sample.Labels : Contracts.Metrics.SeriesLabels.None;

    public Condition Observe(CompiledRule rule, SeriesState state, Metric sample)
    {
        var plan = PlanFor(rule);
        var st = state.Kind as AbsenceState ?? new AbsenceState();
        state.Kind = st;
        var gap = st.LastSeenAt is { } last && sample.Timestamp > last ? sample.Timestamp - last : TimeSpan.Zero;
        var wasNeverSeen = st.NeverSeen;
        if (st.LastSeenAt is not { } l || sample.Timestamp > l) st.LastSeenAt = sample.Timestamp;
        st.NeverSeen = false;
        if (state.Lifecycle.Phase == AlertPhase.Inactive) return Condition.Quiet(gap.TotalSeconds);
        return Condition.Clear(gap.TotalSeconds, plan.Expected,
            wasNeverSeen ? $"First {plan.What} from {state.InstanceId} at {KindText.Time(sample.Timestamp)}."
                         : $"{Capitalized(plan.What)} received again at {KindText.Time(sample.Timestamp)} after {KindText.Duration(gap)}.");
    }

    public Condition? Tick(CompiledRule rule, SeriesState state, DateTimeOffset now)
    {
        var plan = PlanFor(rule);
        if (state.Kind is not AbsenceState st)
        {
            // Kind state reset by a rule change: watch from the newest sample, or from now if there is none.
            st = new AbsenceState { LastSeenAt = state.LastSampleAt > DateTimeOffset.MinValue ? state.NewestSeenAt : now };
            state.Kind = st;
        }
        var last = st.LastSeenAt is { } l && l > state.NewestSeenAt ? l : state.NewestSeenAt;
        var silent = now - last;
        if (silent <= plan.Timeout) return null;
        var detail = st.NeverSeen
            ? $"No {plan.What} from {state.InstanceId} since the rule started watching it at {KindText.Time(last)} ({KindText.Duration(silent)} ago; timeout {KindText.Duration(plan.Timeout)})."
            : $"No {plan.What} from {state.InstanceId} since {KindText.Time(last)} ({KindText.Duration(silent)} ago; timeout {KindText.Duration(plan.Timeout)}).";
        return Condition.Breach(Math.Round(silent.TotalSeconds), plan.Expected, detail);
    }

    public IEnumerable<ExpectedSeries> Expected(CompiledRule rule, DateTimeOffset now)
    {
        var instance = rule.Rule.Selector.Instance;
        if (string.IsNullOrWhiteSpace(instance) || KindText.IsGlob(instance)) yield break;
        var plan = PlanFor(rule);
        var metric = plan.Scope switch
        {
            AbsenceScope.Instance => AbsenceScopes.AnyMetric,
            AbsenceScope.Collector => HeartbeatSamples.MetricName,
            _ => rule.Rule.Selector.Metric,
        };
        // Scope series without a metric names no particular series: nothing to expect before samples arrive.
        if (string.IsNullOrWhiteSpace(metric)) yield break;
        yield return new ExpectedSeries(instance, metric, new AbsenceState { LastSeenAt = now, NeverSeen = true });
    }

    private static string Capitalized(string s) => char.ToUpperInvariant(s[0]) + s[1..];

    private static Plan PlanFor(CompiledRule rule) => Plans.GetValue(rule, r => new Plan(r.Rule));

    private sealed class Plan
    {
        public AbsenceScope Scope { get; }
        public TimeSpan Timeout { get; }
        public string What { get; }
        public string Expected { get; }

        public Plan(Rule r)
        {
            Scope = AbsenceScopes.Parse(r.Scope) ?? AbsenceScope.Series;
            Timeout = DurationText.Parse(r.Timeout!, "timeout");
            What = Scope switch
            {
                AbsenceScope.Collector => "heartbeat",
                AbsenceScope.Instance => string.IsNullOrWhiteSpace(r.Selector.Metric) ? "sample of any metric" : $"sample of {r.Selector.Metric}",
                _ => string.IsNullOrWhiteSpace(r.Selector.Metric) ? "sample" : $"sample of {r.Selector.Metric}",
            };
            Expected = $"a {What} at least every {KindText.Duration(Timeout)}";
        }
    }
}
