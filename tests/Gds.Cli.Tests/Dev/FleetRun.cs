using Gds.Alerting.Backtest;
using Gds.Alerting.Kinds.Absence;
using Gds.Alerting.Rules;
using Gds.Cli.Dev;
using Gds.Cli.Dev.Fleet;

namespace Gds.Cli.Tests.Dev;

/// <summary>The synthetic fleet scraped once a second, as `gds dev` scrapes it, and its records replayed through the alert engine.</summary>
internal static class FleetRun
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public static IEnumerable<FleetTick> Ticks(SyntheticFleet fleet, TimeSpan length)
    {
        for (var t = TimeSpan.Zero; t < length; t += DevRules.FleetInterval)
            yield return fleet.Scrape(T0 + t, t);
    }

    /// <summary>What the topology reads of a tick: the records, and the heartbeat as the sample it becomes.</summary>
    public static IEnumerable<Metric> Records(FleetTick tick) => tick.Metrics.Append(HeartbeatSamples.ToMetric(tick.Heartbeat));

    /// <summary>The shipped packs, time-scaled exactly as `gds dev` runs them by default.</summary>
    public static IReadOnlyList<Gds.Contracts.Rules.Rule> DevPacks()
    {
        var set = RuleSet.Read([DevRules.PacksPath()]);
        Assert.True(set.IsValid, string.Join("\n", set.AllErrors));
        return DevRules.Scale(set.Rules, DevRules.DefaultTimeScale);
    }

    /// <summary>Every alert event the packs raise over <paramref name="length"/> of the fleet, ticking as often as the fleet scrapes.</summary>
    public static List<AlertEvent> Backtest(SyntheticFleet fleet, TimeSpan length)
    {
        var events = new List<AlertEvent>();
        var book = new RuleBook();
        foreach (var rule in DevPacks()) book.Upsert(CompiledRule.Compile(rule));
        var runner = new BacktestRunner(book, new BacktestOptions { TickInterval = DevRules.FleetInterval });
        runner.Run(Ticks(fleet, length).SelectMany(Records), events.Add);
        return events;
    }
}
