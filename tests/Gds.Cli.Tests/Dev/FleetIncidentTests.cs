using Gds.Cli.Dev.Fleet;

namespace Gds.Cli.Tests.Dev;

/// <summary>
/// The shipped packs, time-scaled as `gds dev` runs them, over the synthetic fleet through the alert engine: the
/// scripted incidents raise exactly the alerts they declare, each on its series, once per cycle and resolved within
/// it, and nothing else ever pages.
/// </summary>
public sealed class FleetIncidentTests
{
    [Fact]
    public void Over_two_cycles_the_packs_raise_each_declared_alert_once_a_cycle_resolved_and_nothing_else()
    {
        var fleet = new SyntheticFleet(instancesPerType: 3, seed: 7);
        var events = FleetRun.Backtest(fleet, 2 * SyntheticFleet.Cycle);

        var declared = fleet.Incidents.SelectMany(i => i.Fires).ToList();
        Assert.Equal(8, fleet.Incidents.Count);
        var expected = Enumerable.Range(0, 2)
            .SelectMany(cycle => declared.SelectMany(a => new[] { (cycle, a.DedupKey, AlertStatus.Firing), (cycle, a.DedupKey, AlertStatus.Resolved) }))
            .Order().ToList();
        var actual = events.Select(e => ((int)((e.EventTime - FleetRun.T0) / SyntheticFleet.Cycle), e.DedupKey, e.Status)).Order().ToList();
        Assert.True(expected.SequenceEqual(actual), "expected:\n" + string.Join("\n", expected) + "\nactual:\n" + string.Join("\n", events.Select(Describe)));
    }

    [Fact]
    public void Every_incident_starts_within_seconds_and_most_of_its_alerts_resolve_within_the_first_minute()
    {
        var fleet = new SyntheticFleet();
        var events = FleetRun.Backtest(fleet, SyntheticFleet.Cycle);
        Assert.All(fleet.Incidents, i => Assert.True(i.Start <= TimeSpan.FromSeconds(15), $"{i}: starts late"));
        var resolved = events.Where(e => e.Status == AlertStatus.Resolved).Select(e => e.EventTime - FleetRun.T0).ToList();
        Assert.True(resolved.Count(r => r <= TimeSpan.FromMinutes(1)) * 4 >= resolved.Count * 3,
            "resolved after: " + string.Join(", ", resolved.Select(r => $"{r.TotalSeconds}s")));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void The_fleet_at_rest_pages_nobody(int instancesPerType)
    {
        // 1: lone servers (no standby, a one-member replica set); 4: a second pair of each kind.
        var events = FleetRun.Backtest(new SyntheticFleet(instancesPerType, seed: 11, withIncidents: false), 2 * SyntheticFleet.Cycle);
        Assert.True(events.Count == 0, string.Join("\n", events.Select(Describe)));
    }

    private static string Describe(AlertEvent e) => $"{(e.EventTime - FleetRun.T0).TotalSeconds,5}s {e.Status,-8} {e.DedupKey} value={e.Value}";
}
