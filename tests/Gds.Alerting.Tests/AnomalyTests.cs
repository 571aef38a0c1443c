using Gds.Alerting.Tests.Support;
using static Gds.Alerting.Tests.Support.Harness;

namespace Gds.Alerting.Tests;

public sealed class AnomalyTests
{
    private static string Rule(string extra = "") => $$"""
        rules:
          - id: qps-anomaly
            kind: anomaly
            selector: { metric: qps }
            warmup: 30m
        {{extra}}
        """;

    /// <summary>Deterministic noise, roughly normal with the given σ (sum of uniforms).</summary>
    private static Func<double> Noise(double sigma, int seed = 7)
    {
        var rng = new Random(seed);
        return () => (rng.NextDouble() + rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 2) * sigma * Math.Sqrt(3);
    }

    [Fact]
    public void A_sustained_level_shift_fires_once_then_becomes_the_new_normal()
    {
        var h = new Harness(Rule());
        var noise = Noise(2);
        // 100 ± 2 for 4h, then 150 ± 2 for 4h, one sample a minute.
        for (var k = 0; k < 480; k++) h.Feed(Min(k), (k < 240 ? 100 : 150) + noise(), "qps");

        var fired = Assert.Single(h.Fired);
        Assert.Equal(Min(240), fired.StartsAt);
        Assert.Matches(@"^within \d+(\.\d+)? ± \d+(\.\d+)?$", fired.Expected);
        Assert.Contains("above the baseline", fired.Description);

        var resolved = Assert.Single(h.Resolved);
        Assert.Equal(Min(270), resolved.EndsAt); // the shift is accepted after lasting the warm-up (30m)
        Assert.Contains("Level shift accepted", resolved.Description);
        Assert.Equal(2, h.Events.Count);
    }

    [Fact]
    public void A_single_spike_fires_and_resolves_without_moving_the_baseline()
    {
        var h = new Harness(Rule());
        var noise = Noise(1);
        for (var k = 0; k < 120; k++) h.Feed(Min(k), (k == 90 ? 200 : 100) + noise(), "qps");

        Assert.Equal(Min(90), Assert.Single(h.Fired).StartsAt);
        Assert.Equal(Min(91), Assert.Single(h.Resolved).EndsAt);
    }

    [Fact]
    public void Direction_up_ignores_drops()
    {
        var h = new Harness(Rule("    direction: up"));
        var noise = Noise(1);
        for (var k = 0; k < 240; k++) h.Feed(Min(k), (k >= 120 ? 20 : 100) + noise(), "qps");
        Assert.Empty(h.Events);
    }

    [Fact]
    public void Nothing_is_judged_during_warmup()
    {
        var h = new Harness(Rule());
        for (var k = 0; k < 30; k++) h.Feed(Min(k), k % 2 == 0 ? 1 : 1000, "qps");
        Assert.Empty(h.Events);
    }

    private static double Daily(DateTimeOffset at) => 100 + 60 * Math.Sin(2 * Math.PI * (at - T0).TotalHours / 24);

    [Fact]
    public void A_clean_daily_cycle_raises_no_alert_with_daily_seasonality()
    {
        var h = new Harness(Rule("    seasonality: 24h"));
        var noise = Noise(1);
        for (var k = 0; k < 3 * 1440; k++) h.Feed(Min(k), Daily(Min(k)) + noise(), "qps");
        Assert.Empty(h.Events);
    }

    [Fact]
    public void The_seasonal_detector_still_sees_a_spike_on_top_of_the_cycle()
    {
        var h = new Harness(Rule("    seasonality: 24h"));
        var noise = Noise(1);
        var spikeAt = 2 * 1440 + 600;
        for (var k = 0; k < 3 * 1440; k++) h.Feed(Min(k), Daily(Min(k)) + noise() + (k == spikeAt ? 40 : 0), "qps");
        var fired = Assert.Single(h.Fired);
        Assert.Equal(Min(spikeAt), fired.StartsAt);
        Assert.Contains("10:00–11:00 UTC baseline", fired.Description);
    }

    [Fact]
    public void A_level_shift_on_a_seasonal_series_moves_the_whole_cycle()
    {
        var h = new Harness(Rule("    seasonality: 24h"));
        var noise = Noise(1);
        var shiftAt = 2 * 1440;
        for (var k = 0; k < 4 * 1440; k++) h.Feed(Min(k), Daily(Min(k)) + noise() + (k >= shiftAt ? 80 : 0), "qps");
        Assert.Single(h.Fired);
        Assert.Single(h.Resolved);
    }
}
