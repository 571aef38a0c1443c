using Gds.Contracts.Metrics.Catalog;

namespace Gds.Alerting.Tests;

/// <summary>
/// The shipped rule packs (examples/rules): valid together, every metric one a collector emits, and each rule
/// something an on-call would accept: it says what is wrong and where to look, and a blip never pages.
/// </summary>
public sealed class RulePackTests
{
    private static readonly string Packs = Path.Combine(ValidationTests.RepoRoot(), "examples", "rules");
    private static readonly RuleSet Set = RuleSet.Read([Packs]);

    public static TheoryData<string> RuleIds => new(Set.Rules.Select(r => r.Id));

    [Fact]
    public void Every_database_type_has_a_pack_and_the_packs_are_valid_together()
    {
        Assert.True(Set.IsValid, string.Join("\n", Set.AllErrors));
        Assert.Equal(["gds.yaml", "mongodb.yaml", "mssql.yaml", "postgresql.yaml", "snowflake.yaml"], Set.Files.Select(f => Path.GetFileName(f.Path)));
        foreach (var type in DatabaseTypes.All)
            Assert.Contains(Set.Rules, r => r.Selector.DatabaseType == type);
    }

    [Fact]
    public void Every_metric_a_pack_names_is_one_a_collector_emits()
    {
        var warnings = Set.Files.SelectMany(RuleCatalogCheck.Check).ToList();
        Assert.True(warnings.Count == 0, string.Join("\n", warnings));
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void A_rule_says_what_is_wrong_where_to_look_and_who_is_told(string id)
    {
        var r = Set.Rules.Single(x => x.Id == id);
        Assert.False(string.IsNullOrWhiteSpace(r.Annotations.GetValueOrDefault("summary")), "summary");
        Assert.StartsWith("https://", r.Annotations.GetValueOrDefault("runbook_url") ?? "");
        Assert.False(string.IsNullOrWhiteSpace(r.RoutingKey), "routing_key");
        Assert.True(r.Labels.ContainsKey("team"), "labels.team");
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void A_counter_is_judged_by_its_rate_never_by_its_running_total(string id)
    {
        var r = Set.Rules.Single(x => x.Id == id);
        if (r.Kind != RuleKinds.Threshold || !MetricCatalog.TryGet(r.Selector.Metric!, out var metric)) return;
        Assert.True(metric.Kind != MetricKind.Counter || r.Rate || r.Per is not null,
            $"{r.Selector.Metric} is a counter: a threshold on its running total fires on how long the server has been up");
        if (r.Per is { } per) Assert.Equal(MetricKind.Counter, MetricCatalog.TryGet(per, out var p) ? p.Kind : MetricKind.Counter);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void A_gauge_that_pages_must_hold_for_a_while_and_an_event_keeps_one_alert_per_burst(string id)
    {
        var r = Set.Rules.Single(x => x.Id == id);
        if (r.Kind != RuleKinds.Threshold) return;
        var @for = DurationText.ParseOrDefault(r.For, TimeSpan.Zero);
        var keep = DurationText.ParseOrDefault(r.KeepFiringFor, TimeSpan.Zero);
        if (r.Rate && @for == TimeSpan.Zero)
            Assert.True(keep >= TimeSpan.FromMinutes(5), "a rate rule that fires on the first increase must keep firing through the burst (keep_firing_for)");
        else
            Assert.True(@for >= TimeSpan.FromMinutes(1), $"for: {r.For}: a condition must last at least a minute before anyone is told");
    }
}
