using Gds.Alerting.Tests.Support;
using static Gds.Alerting.Tests.Support.Harness;

namespace Gds.Alerting.Tests;

/// <summary>The shared lifecycle (pending, firing, resolved, repeats) at its boundaries, through a threshold rule.</summary>
public sealed class LifecycleTests
{
    private static string Rule(string extra) => $$"""
        rules:
          - id: cpu-high
            kind: threshold
            selector: { metric: m }
            op: ">"
            value: 90
        {{extra}}
        """;

    [Fact]
    public void For_holds_a_breach_in_pending_until_it_has_lasted_exactly_that_long()
    {
        var h = new Harness(Rule("    for: 2m"));
        h.Feed(Sec(0), 95).Feed(Sec(60), 95).Feed(Sec(119), 95);
        Assert.Empty(h.Events);

        h.Feed(Sec(120), 95);

        var fired = Assert.Single(h.Events);
        Assert.Equal(AlertStatus.Firing, fired.Status);
        Assert.Equal(Sec(0), fired.StartsAt);
        Assert.Equal(Sec(120), fired.EventTime);
    }

    [Fact]
    public void A_clear_sample_while_pending_restarts_the_for_clock()
    {
        var h = new Harness(Rule("    for: 2m"));
        h.Feed(Sec(0), 95).Feed(Sec(60), 50).Feed(Sec(90), 95).Feed(Sec(209), 95);
        Assert.Empty(h.Events);

        h.Feed(Sec(210), 95);

        Assert.Equal(Sec(90), Assert.Single(h.Events).StartsAt);
    }

    [Fact]
    public void Keep_firing_for_bridges_clears_shorter_than_it_and_resolves_at_the_boundary()
    {
        var h = new Harness(Rule("    keep_firing_for: 2m"));
        h.Feed(Sec(0), 95);
        Assert.Single(h.Fired);

        h.Feed(Sec(60), 10).Feed(Sec(119), 10);
        Assert.Empty(h.Resolved);

        h.Feed(Sec(120), 10);
        var resolved = Assert.Single(h.Resolved);
        Assert.Equal(Sec(0), resolved.StartsAt);
        Assert.Equal(Sec(120), resolved.EndsAt);
    }

    [Fact]
    public void A_breach_inside_keep_firing_for_extends_the_episode_without_a_new_event()
    {
        var h = new Harness(Rule("    keep_firing_for: 2m"));
        h.Feed(Sec(0), 95).Feed(Sec(60), 10).Feed(Sec(100), 95).Feed(Sec(200), 10).Feed(Sec(219), 10);
        Assert.Single(h.Events);

        h.Feed(Sec(220), 10);
        Assert.Equal(2, h.Events.Count);
        Assert.Equal(h.Events[0].EventId, h.Events[1].CorrelationId);
    }

    [Fact]
    public void Repeat_interval_renotifies_while_firing_with_new_deterministic_ids()
    {
        var h = new Harness(Rule("    repeat_interval: 5m"));
        for (var m = 0; m <= 11; m++) h.Feed(Min(m), 95);

        Assert.Equal([0, 1, 2], h.Events.Select(e => e.Sequence));
        Assert.Equal([Min(0), Min(5), Min(10)], h.Events.Select(e => e.EventTime));
        Assert.Equal(3, h.Events.Select(e => e.EventId).Distinct().Count());

        var replay = new Harness(Rule("    repeat_interval: 5m"));
        for (var m = 0; m <= 11; m++) replay.Feed(Min(m), 95);
        Assert.Equal(h.Events.Select(e => e.EventId), replay.Events.Select(e => e.EventId));
    }

    [Fact]
    public void A_counter_reset_counts_from_zero_instead_of_a_negative_or_huge_rate()
    {
        var h = new Harness("""
            rules:
              - id: commits-fast
                kind: threshold
                selector: { metric: commits }
                rate: true
                op: ">"
                value: 5
            """);
        // 2/s, then the server restarts (counter back to 30 = 30 commits since the restart = 1/s), then 2/s again.
        h.Feed(Sec(0), 1000, "commits").Feed(Sec(30), 1060, "commits").Feed(Sec(60), 30, "commits").Feed(Sec(90), 90, "commits");
        Assert.Empty(h.Events);
        Assert.Equal(2, h.Store.All().Single().Value.Lifecycle.LastValue);

        h.Feed(Sec(120), 390, "commits"); // 10/s: a real breach is still seen after the reset
        Assert.Single(h.Fired);
    }

    [Fact]
    public void Deleting_a_rule_resolves_its_firing_alert()
    {
        var h = new Harness(Rule(""));
        h.Feed(Sec(0), 95);
        var seen = h.Book.Version;
        h.Book.Remove("cpu-high");
        h.Engine.OnRuleChanges(ref seen, h.Store, Sec(30), h.Events);

        var resolved = Assert.Single(h.Resolved);
        Assert.Equal(Sec(30), resolved.EndsAt);
        Assert.Equal(0, h.Store.Count);
    }
}
