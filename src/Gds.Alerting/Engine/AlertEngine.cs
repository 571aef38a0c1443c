using Gds.Alerting.Events;
using Gds.Alerting.Kinds;
using Gds.Alerting.Lifecycle;
using Gds.Alerting.Rules;
using Gds.Alerting.State;
using Gds.Contracts.Alerts;
using Gds.Contracts.Metrics;

namespace Gds.Alerting.Engine;

/// <summary>
/// Evaluates samples against the rules in force and emits alert events on transitions. Pure: the caller owns
/// the state store (RocksDB in the topology, a dictionary in backtests) and where events go, so the topology
/// and `gds rules backtest` run the very same code.
/// </summary>
public sealed class AlertEngine(RuleBook rules)
{
    [ThreadStatic] private static List<CompiledRule>? _matched;

    public RuleBook Rules { get; } = rules;
    public EngineCounters Counters { get; } = new();

    public void OnSample(Metric sample, ISeriesStateStore store, ICollection<AlertEvent> output)
    {
        var matched = _matched ??= new List<CompiledRule>(8);
        matched.Clear();
        Rules.Match(sample, matched);
        Interlocked.Increment(ref Counters.Samples);
        foreach (var rule in matched)
        {
            var metric = rule.Kind.SeriesMetric(rule, sample);
            var key = rule.DedupKey(sample.InstanceId, metric);
            var state = store.Get(key);
            var existed = state is not null;
            if (state is null)
            {
                state = new SeriesState { RuleId = rule.Id, InstanceId = sample.InstanceId, MetricName = metric, RuleVersion = rule.Version };
            }
            else if (state.RuleVersion != rule.Version)
            {
                // The rule changed: what its kind remembered may mean something else now; the alert itself
                // carries on and the next samples decide whether it still holds.
                state.RuleVersion = rule.Version;
                state.Kind = null;
            }
            else if (sample.Timestamp < state.LastSampleAt)
            {
                Interlocked.Increment(ref Counters.LateSamples);
                continue;
            }

            state.LastSampleAt = sample.Timestamp;
            state.DatabaseType = sample.DatabaseType;
            state.Environment = sample.Environment;
            state.Tags = sample.Tags as Dictionary<string, string> ?? new Dictionary<string, string>(sample.Tags);

            var condition = rule.Kind.Observe(rule, state, sample);
            Emit(rule, key, state, AlertLifecycle.Apply(rule, state.Lifecycle, condition, sample.Timestamp), output);
            if (state.Lifecycle.Phase == AlertPhase.Inactive && state.Kind is null)
            {
                // An idle series with nothing to remember is the common case by far: keep it out of the store
                // (and its changelog) instead of rewriting it on every sample.
                if (existed) store.Delete(key);
                continue;
            }
            store.Put(key, state);
        }
    }

    /// <summary>
    /// Resolves the open alerts of rules removed since <paramref name="seenVersion"/> and forgets their series;
    /// advances <paramref name="seenVersion"/>. Cheap when nothing changed.
    /// </summary>
    public void OnRuleChanges(ref long seenVersion, ISeriesStateStore store, DateTimeOffset now, ICollection<AlertEvent> output)
    {
        var version = Rules.Version;
        if (version == seenVersion) return;
        foreach (var removed in Rules.RemovedSince(seenVersion))
            ForgetRule(removed, store, now, output);
        seenVersion = version;
    }

    /// <summary>Lets time act without samples (absence, expiring windows) for every series in the store.</summary>
    public void OnTick(DateTimeOffset now, ISeriesStateStore store, ICollection<AlertEvent> output)
    {
        foreach (var (key, state) in store.All())
        {
            if (!Rules.TryGet(state.RuleId, out var rule))
            {
                // A rule deleted while this instance was down: its removal was never seen here.
                ForgetSeries(key, state, null, now, store, output);
                continue;
            }
            if (rule.Kind.Tick(rule, state, now) is not { } condition) continue;
            var before = state.Lifecycle.Phase;
            var t = AlertLifecycle.Apply(rule, state.Lifecycle, condition, now);
            Emit(rule, key, state, t, output);
            if (t.Kind != TransitionKind.None || before != state.Lifecycle.Phase) store.Put(key, state);
        }
    }

    private void ForgetRule(CompiledRule removed, ISeriesStateStore store, DateTimeOffset now, ICollection<AlertEvent> output)
    {
        foreach (var (key, state) in store.Range(DedupKeys.RulePrefix(removed.Id)))
            if (state.RuleId == removed.Id)
                ForgetSeries(key, state, removed, now, store, output);
    }

    private void ForgetSeries(string key, SeriesState state, CompiledRule? rule, DateTimeOffset now, ISeriesStateStore store, ICollection<AlertEvent> output)
    {
        var at = now > state.LastSampleAt ? now : state.LastSampleAt;
        var t = AlertLifecycle.Resolve(state.Lifecycle, at);
        if (t.Kind == TransitionKind.Resolved)
        {
            var asDeleted = rule ?? CompiledRule.Orphan(state.RuleId);
            output.Add(AlertEventFactory.Create(asDeleted, key, state, t) with { Description = "The rule was deleted." });
            Interlocked.Increment(ref Counters.Resolved);
        }
        store.Delete(key);
    }

    private void Emit(CompiledRule rule, string key, SeriesState state, Transition t, ICollection<AlertEvent> output)
    {
        if (t.Kind == TransitionKind.None) return;
        var e = AlertEventFactory.Create(rule, key, state, t);
        if (t.Kind == TransitionKind.Fired)
        {
            state.Lifecycle.EpisodeId = e.EventId;
            Interlocked.Increment(ref Counters.Fired);
        }
        else if (t.Kind == TransitionKind.Resolved) Interlocked.Increment(ref Counters.Resolved);
        else Interlocked.Increment(ref Counters.Repeated);
        output.Add(e);
    }
}

/// <summary>What the engine has done, for progress displays and process metrics.</summary>
public sealed class EngineCounters
{
    public long Samples;
    public long LateSamples;
    public long Fired;
    public long Resolved;
    public long Repeated;
}
