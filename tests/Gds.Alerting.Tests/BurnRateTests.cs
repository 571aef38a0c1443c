using Gds.Alerting.Kinds.BurnRate;
using Gds.Alerting.Tests.Support;
using static Gds.Alerting.Tests.Support.Harness;

namespace Gds.Alerting.Tests;

/// <summary>
/// Burn-rate pairs against windows computed by hand. Samples come every minute at :30, and windows are read at
/// T0 + 12h, a boundary of every bucket size, so each window holds exactly the samples in (t - W, t).
/// </summary>
public sealed class BurnRateTests
{
    private const string Counters = """
        rules:
          - id: checkout-slo
            kind: burn_rate
            selector: { database_type: postgresql }
            objective: 99.9
            period: 30d
            bad_metric: errors_total
            total_metric: requests_total
        """;

    /// <summary>The page pair alone, so that recovery is not held up by the slower pairs.</summary>
    private const string PageOnly = Counters + """

            windows:
              - { long: 1h, short: 5m, factor: 14.4, severity: CRITICAL }
        """;

    private static readonly DateTimeOffset Noon = T0.AddHours(12);

    /// <summary>
    /// 1000 requests a minute for 12h; <paramref name="badPerMinute"/> gives the errors of minute k (0 = first sample).
    /// Stops before <paramref name="until"/>.
    /// </summary>
    private static void Feed(Harness h, Func<int, double> badPerMinute, DateTimeOffset until, int resetAtMinute = -1)
    {
        double bad = 0, total = 0;
        for (var k = 0; ; k++)
        {
            var at = T0.AddMinutes(k).AddSeconds(30);
            if (at >= until) break;
            if (k == resetAtMinute) { bad = 0; total = 0; }
            total += 1000;
            bad += badPerMinute(k);
            h.Feed(at, bad, "errors_total");
            h.Feed(at, total, "requests_total");
        }
    }

    private static double[] Burns(Harness h, DateTimeOffset at)
    {
        var rule = h.Book.Rules.Single();
        var state = (BurnRateState)h.Store.All().Single().Value.Kind!;
        return BurnRateKind.BurnRates(BurnRatePlan.For(rule), state, at); // rings: 5m, 30m, 1h, 6h, 3d
    }

    [Fact]
    public void Twenty_minutes_at_5_percent_errors_fires_the_1h_5m_page_and_names_the_pair()
    {
        var h = new Harness(Counters);
        // Errors (50 per 1000) in the last 20 minutes before noon: minutes 700..719.
        Feed(h, k => k >= 700 ? 50 : 0, Noon);

        // By hand: 5m: 5% / 0.1% = 50; 30m: 20 of 30 minutes = 3.33% → 33.3; 1h: 20 of 60 → 16.7;
        // 6h: 20 of 360 → 2.78; 3d holds the 719 deltas since the start: 1000 / 719000 → 1.39.
        var burns = Burns(h, Noon);
        Assert.Equal(50, burns[0], 6);
        Assert.Equal(100.0 / 3, burns[1], 6);
        Assert.Equal(50.0 / 3, burns[2], 6);
        Assert.Equal(50.0 / 18, burns[3], 6);
        Assert.Equal(1000.0 / 719000 / 0.001, burns[4], 6);

        // The 3d/6h ticket trips first (after 14 error minutes), the 1h/5m page later (after 18): one episode,
        // raised to CRITICAL by a re-notification that names the page pair.
        Assert.Equal(Severities.Warning, Assert.Single(h.Fired).Severity);
        var page = h.Events.Last();
        Assert.Equal((Severities.Critical, 1), (page.Severity, page.Sequence));
        Assert.Contains("CRITICAL pair 1h/5m", page.Description);
        Assert.Contains("of the 30d error budget", page.Description);
        Assert.Contains("Also firing: WARNING pair 3d/6h", page.Description);
        Assert.Equal("burn rate ≤ 14.4× over 1h and 5m", page.Expected);
        Assert.Equal("checkout-slo:db-1:errors_total", page.DedupKey);
    }

    [Fact]
    public void A_short_spike_burns_the_short_window_only_and_does_not_page()
    {
        var h = new Harness(Counters);
        Feed(h, k => k >= 716 ? 20 : 0, Noon); // 2% for 4 minutes

        var burns = Burns(h, Noon);
        Assert.Equal(16, burns[0], 6);        // 5m: 4 of 5 minutes at 20×: above 14.4
        Assert.Equal(20.0 * 4 / 60, burns[2], 6); // 1h: 1.33: far below 14.4
        Assert.Empty(h.Events);
    }

    [Fact]
    public void A_slow_steady_burn_opens_a_ticket_on_the_3d_6h_pair_only()
    {
        var h = new Harness(Counters);
        Feed(h, _ => 1.5, Noon); // 0.15% errors: 1.5× everywhere

        var burns = Burns(h, Noon);
        Assert.All(burns, b => Assert.Equal(1.5, b, 6));
        var fired = Assert.Single(h.Fired);
        Assert.Equal(Severities.Warning, fired.Severity);
        Assert.Contains("pair 3d/6h", fired.Description);
    }

    [Fact]
    public void A_ticket_that_becomes_a_page_is_renotified_as_critical_in_the_same_episode()
    {
        var h = new Harness(Counters);
        Feed(h, k => k >= 700 ? 50 : 1.5, Noon);

        Assert.Equal(2, h.Events.Count);
        Assert.Equal(Severities.Warning, h.Events[0].Severity);
        Assert.Equal((Severities.Critical, 1), (h.Events[1].Severity, h.Events[1].Sequence));
        Assert.Equal(h.Events[0].EventId, h.Events[1].CorrelationId);
    }

    [Fact]
    public void Counter_resets_count_from_zero_and_leave_the_burn_rates_unchanged()
    {
        var plain = new Harness(Counters);
        Feed(plain, k => k >= 700 ? 50 : 0, Noon);
        var withReset = new Harness(Counters);
        Feed(withReset, k => k >= 700 ? 50 : 0, Noon, resetAtMinute: 710);

        Assert.Equal(Burns(plain, Noon), Burns(withReset, Noon));
    }

    [Fact]
    public void The_alert_resolves_once_the_short_window_stops_burning()
    {
        var h = new Harness(PageOnly);
        Feed(h, k => k is >= 700 and < 730 ? 50 : 0, Noon.AddHours(1));

        Assert.Single(h.Fired);
        var resolved = Assert.Single(h.Resolved);
        // Errors (50×) stop after 12:09:30; the 5m window burns 10× per error minute it still holds, so it drops
        // below 14.4 when it holds one: at the sample of 12:13:30.
        Assert.Equal(T0.AddMinutes(733).AddSeconds(30), resolved.EndsAt);
    }

    [Fact]
    public void When_the_inputs_stop_entirely_a_tick_resolves_the_alert_after_the_shortest_short_window()
    {
        var h = new Harness(PageOnly);
        Feed(h, k => k >= 700 ? 50 : 0, Noon);
        Assert.Single(h.Fired);

        h.Tick(Noon.AddMinutes(4));
        Assert.Empty(h.Resolved);
        h.Tick(Noon.AddMinutes(6));
        Assert.Equal(Noon.AddMinutes(6), Assert.Single(h.Resolved).EndsAt);
    }

    [Fact]
    public void The_share_of_samples_breaching_a_threshold_is_an_sli_too()
    {
        var h = new Harness("""
            rules:
              - id: latency-slo
                kind: burn_rate
                selector: { metric: p99_latency_ms }
                objective: 99
                op: ">"
                value: 500
                windows:
                  - { long: 1h, short: 5m, factor: 10, severity: CRITICAL }
            """);
        // One sample in five is slow (20% bad = 20× a 1% budget) from 11:00 on.
        for (var k = 0; k < 720; k++)
        {
            var slow = k >= 660 && k % 5 == 0;
            h.Feed(T0.AddMinutes(k).AddSeconds(30), slow ? 900 : 120, "p99_latency_ms");
        }
        var rule = h.Book.Rules.Single();
        var burns = BurnRateKind.BurnRates(BurnRatePlan.For(rule), (BurnRateState)h.Store.All().Single().Value.Kind!, Noon);
        Assert.Equal(20, burns[1], 6); // 1h: 12 of 60 samples
        Assert.Equal(20, burns[0], 6); // 5m: 1 of 5
        Assert.Equal(Severities.Critical, Assert.Single(h.Fired).Severity);
    }

    [Fact]
    public void Kind_state_survives_a_round_trip_through_the_store_codec()
    {
        var h = new Harness(Counters);
        Feed(h, k => k >= 700 ? 50 : 0, Noon);
        var (key, state) = h.Store.All().Single();
        var copy = State.SeriesStateCodec.Decode(State.SeriesStateCodec.Encode(state));
        var plan = BurnRatePlan.For(h.Book.Rules.Single());
        Assert.Equal(BurnRateKind.BurnRates(plan, (BurnRateState)state.Kind!, Noon), BurnRateKind.BurnRates(plan, (BurnRateState)copy.Kind!, Noon));
        Assert.True(State.SeriesStateCodec.Encode(state).Length < 4096, "burn-rate state must stay small: it is written per sample");
    }
}
