using Gds.Alerting.Rules;
using Gds.Alerting.State;
using Gds.Contracts.Metrics;

namespace Gds.Alerting.Kinds;

/// <summary>
/// One kind of rule (threshold, burn_rate, anomaly, absence): how it is validated, which samples it reads,
/// and how it turns samples and the passing of time into a <see cref="Condition"/>. The alert lifecycle
/// (pending, firing, resolved, repeats) is shared by all kinds and lives elsewhere.
/// </summary>
public interface IRuleKind
{
    string Name { get; }

    /// <summary>Kind-specific checks; each error names its field (e.g. ("op", "must be one of > >= ...")).</summary>
    IEnumerable<(string Field, string Message)> Validate(Rule rule);

    /// <summary>The metric names whose samples this rule reads; empty means "whatever the selector matches".</summary>
    IReadOnlyList<string> InputMetrics(Rule rule);

    /// <summary>The metric_name part of the dedup key for a sample (burn-rate pairs two metrics into one series).</summary>
    string SeriesMetric(CompiledRule rule, Metric sample);

    /// <summary>
    /// The labels that, with instance and <see cref="SeriesMetric"/>, identify the series a sample belongs to: the
    /// sample's own series labels (one series per database, lock mode, ...) unless the kind watches something
    /// wider (an absence rule on a whole instance or collector).
    /// </summary>
    IReadOnlyDictionary<string, string> SeriesLabels(CompiledRule rule, Metric sample) => sample.Labels;

    /// <summary>Folds a sample into the series' kind state and says whether the condition holds now.</summary>
    Condition Observe(CompiledRule rule, SeriesState state, Metric sample);

    /// <summary>
    /// True when folding this sample into a series that has no state yet would change nothing: no condition that
    /// holds, nothing for the kind to remember. The engine then skips the fold for such series, which is most
    /// samples of a healthy fleet. The default (false) always folds.
    /// </summary>
    bool IsQuietForNewSeries(CompiledRule rule, Metric sample) => false;

    /// <summary>
    /// Called as wall-clock or stream time passes without samples; null when time alone changes nothing for this
    /// kind (most kinds), a condition when it does (absence, expiring windows).
    /// </summary>
    Condition? Tick(CompiledRule rule, SeriesState state, DateTimeOffset now);

    /// <summary>
    /// False when <see cref="Tick"/> always returns null (time alone never changes this kind's condition): the engine
    /// then need not visit such a rule's series on every tick, which for a store of a million series is a full scan.
    /// </summary>
    bool ActsOnTicks => true;

    /// <summary>
    /// Series the rule watches before any sample of theirs has arrived (an absence rule naming an exact
    /// instance): the engine creates their state on a tick, with the kind state given here, so that a series that
    /// never reports can still alert. Most kinds expect nothing.
    /// </summary>
    IEnumerable<ExpectedSeries> Expected(CompiledRule rule, DateTimeOffset now) => [];
}

/// <summary>A series a rule expects to exist, with the kind state it starts from.</summary>
public readonly record struct ExpectedSeries(string InstanceId, string MetricName, KindState InitialState);
