using System.Diagnostics;
using Gds.Alerting.Engine;
using Gds.Alerting.Rules;
using Gds.Alerting.State;
using Gds.Contracts.Alerts;
using Gds.Contracts.Metrics;

namespace Gds.Alerting.Backtest;

public sealed record BacktestOptions
{
    /// <summary>Grace period of the engine (see <see cref="AlertEngineOptions.Grace"/>); zero by default.</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// How often event time "ticks" as the input passes: the offline stand-in for the topology's wall-clock
    /// punctuation, which is what lets absence rules fire. An absence alert is seen at the first tick after its
    /// timeout, so this is their time resolution.
    /// </summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(30);
}

public sealed record BacktestSummary(
    long Samples, long MatchedSamples, long LateSamples, long Fired, long Resolved, long Repeated, int SeriesWithState, int StillFiring,
    long Ticks, DateTimeOffset? FirstSampleAt, DateTimeOffset? LastSampleAt, TimeSpan Elapsed)
{
    public double SamplesPerSecond => Elapsed.TotalSeconds > 0 ? Samples / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Runs rules over recorded samples with the very engine the topology runs, on an in-memory store, and reports
/// the alert events they would have raised. Time is the samples' event time: ticks are issued at every
/// <see cref="BacktestOptions.TickInterval"/> boundary the input passes, before the first sample beyond it, so a
/// backtest of the same input always gives the same events (ids included). Nothing is extrapolated past the
/// last sample: the input ends, it does not go silent.
/// </summary>
public sealed class BacktestRunner(RuleBook rules, BacktestOptions? options = null)
{
    private readonly BacktestOptions _options = options ?? new BacktestOptions();

    public BacktestSummary Run(IEnumerable<Metric> samples, Action<AlertEvent> onEvent)
    {
        if (_options.TickInterval <= TimeSpan.Zero) throw new ArgumentException("tick interval must be positive", nameof(options));
        var watch = Stopwatch.StartNew();
        var engine = new AlertEngine(rules, new AlertEngineOptions { Grace = _options.Grace });
        var store = new InMemorySeriesStateStore();
        var output = new List<AlertEvent>();
        var tickTicks = _options.TickInterval.Ticks;
        DateTimeOffset? first = null, newest = null;
        DateTimeOffset nextTick = default;
        long ticks = 0;

        void Flush()
        {
            foreach (var e in output) onEvent(e);
            output.Clear();
        }

        foreach (var sample in samples)
        {
            if (newest is null)
            {
                first = sample.Timestamp;
                nextTick = new DateTimeOffset((sample.Timestamp.UtcTicks / tickTicks + 1) * tickTicks, TimeSpan.Zero);
            }
            if (newest is null || sample.Timestamp > newest) newest = sample.Timestamp;
            while (nextTick < newest.Value)
            {
                engine.OnTick(nextTick, store, output);
                ticks++;
                nextTick = nextTick.AddTicks(tickTicks);
                Flush();
            }
            engine.OnSample(sample, store, output);
            if (output.Count > 0) Flush();
        }
        engine.Drain(store, output);
        Flush();

        var firing = store.All().Count(kv => kv.Value.Lifecycle.Phase == AlertPhase.Firing);
        var c = engine.Counters;
        return new BacktestSummary(c.Samples, c.Matched, c.LateSamples, c.Fired, c.Resolved, c.Repeated, store.Count, firing,
            ticks, first, newest, watch.Elapsed);
    }
}
