using Gds.Alerting.Tests.Support;
using static Gds.Alerting.Tests.Support.Harness;

namespace Gds.Alerting.Tests;

/// <summary>
/// The engine reuses the dedup key of the sample before when a sample falls in the same series of the same rule, and
/// the backtests' store answers a get and put under that key from its last look-up: neither may ever hand one series
/// the key or state of another.
/// </summary>
public sealed class SeriesKeyReuseTests
{
    private const string TwoRules = """
        rules:
          - id: high
            kind: threshold
            selector: { metric: m }
            op: ">"
            value: 90
          - id: very-high
            kind: threshold
            selector: { metric: m }
            op: ">"
            value: 95
        """;

    [Fact]
    public void Samples_that_take_turns_between_series_and_rules_each_alert_under_their_own_key()
    {
        var h = new Harness(TwoRules);
        // The same string instances throughout, as the line reader gives them: only the series tells them apart.
        const string a = "db-a", b = "db-b";
        h.Feed(Sample(Sec(0), 99, instance: a)).Feed(Sample(Sec(0), 92, instance: b)).Feed(Sample(Sec(10), 99, instance: a));
        h.Feed(Sample(Sec(20), 10, instance: b)).Feed(Sample(Sec(30), 10, instance: a)).Feed(Sample(Sec(30), 10, instance: a));

        Assert.Equal(
            ["high:db-a:m firing", "very-high:db-a:m firing", "high:db-b:m firing", "high:db-b:m resolved", "high:db-a:m resolved", "very-high:db-a:m resolved"],
            h.Events.Select(e => $"{e.DedupKey} {e.Status.ToString().ToLowerInvariant()}"));
        Assert.Equal(0, h.Store.Count);
    }

    [Fact]
    public void A_changed_rule_keeps_its_series_and_key_and_the_series_starts_its_kind_state_afresh()
    {
        var h = new Harness(TwoRules);
        const string a = "db-a";
        h.Feed(Sample(Sec(0), 99, instance: a));
        foreach (var rule in Harness.Rules(TwoRules.Replace("value: 95", "value: 80"))) h.Book.Upsert(CompiledRule.Compile(rule));
        h.Feed(Sample(Sec(10), 85, instance: a));

        // very-high, changed, still breaches at 85 and was already firing: it carries on under its key, no second
        // firing; high, unchanged, resolves under its own.
        Assert.Equal(["high:db-a:m firing", "very-high:db-a:m firing", "high:db-a:m resolved"],
            h.Events.Select(e => $"{e.DedupKey} {e.Status.ToString().ToLowerInvariant()}"));
        h.Feed(Sample(Sec(20), 10, instance: a));
        Assert.Equal(["high:db-a:m", "very-high:db-a:m"], h.Resolved.Select(e => e.DedupKey).Order());
    }
}
