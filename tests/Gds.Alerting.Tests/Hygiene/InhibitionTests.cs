using Gds.Alerting.Inhibition;
using static Gds.Alerting.Tests.Hygiene.HygieneHarness;

namespace Gds.Alerting.Tests.Hygiene;

public class InhibitionTests
{
    private const string CollectorKey = "collector-down:prod-db-01:gds_collector_up";

    private static InhibitRule CollectorInhibits(params string[] equal) => new()
    {
        Name = "collector-down-mutes-instance",
        SourceMatchers = ["rule_id=collector-down"],
        TargetMatchers = ["rule_id!=collector-down"],
        Equal = equal,
    };

    private static HygieneHarness Harness(InhibitRule rule)
    {
        var h = new HygieneHarness(Cpu(), CollectorDown());
        h.InhibitRules.ReplaceAll([rule]);
        return h;
    }

    [Fact]
    public void A_down_collector_inhibits_the_other_alerts_of_its_instance_and_releases_them_when_it_recovers()
    {
        var h = Harness(CollectorInhibits("instance_id"));
        Assert.True(Assert.Single(h.Sample("prod-db-01", "gds_collector_up", 0, T0)).ShouldNotify);

        var cpu = Assert.Single(h.Cpu("prod-db-01", 95, T0.AddMinutes(1)));
        Assert.Equal([CollectorKey], cpu.InhibitedBy);
        Assert.False(cpu.ShouldNotify);
        Assert.True(Assert.Single(h.Cpu("prod-db-02", 95, T0.AddMinutes(1))).ShouldNotify);   // another instance
        Assert.Empty(h.Cpu("prod-db-01", 95, T0.AddMinutes(11)));                              // repeat held back

        var recovered = h.Sample("prod-db-01", "gds_collector_up", 1, T0.AddMinutes(12));
        Assert.Equal(2, recovered.Count);
        Assert.Equal(AlertStatus.Resolved, recovered[0].Status);
        var released = recovered[1];
        Assert.Equal(("cpu-high:prod-db-01:cpu_usage_percent", AlertStatus.Firing), (released.DedupKey, released.Status));
        Assert.True(released.ShouldNotify);                                                     // still firing: notified now
        Assert.Empty(h.Tick(T0.AddMinutes(13)));
    }

    [Fact]
    public void Without_equal_labels_a_source_inhibits_every_target()
    {
        var h = Harness(CollectorInhibits());
        h.Sample("prod-db-01", "gds_collector_up", 0, T0);
        Assert.False(Assert.Single(h.Cpu("prod-db-02", 95, T0.AddMinutes(1))).ShouldNotify);
    }

    [Fact]
    public void An_equal_label_missing_on_both_sides_does_not_make_them_equal()
    {
        var h = Harness(CollectorInhibits("cluster"));
        h.Sample("prod-db-01", "gds_collector_up", 0, T0);                 // no cluster tag anywhere
        Assert.True(Assert.Single(h.Cpu("prod-db-01", 95, T0.AddMinutes(1))).ShouldNotify);
    }

    [Fact]
    public void An_equal_label_present_on_both_sides_with_the_same_value_inhibits_and_on_one_side_only_does_not()
    {
        var h = Harness(CollectorInhibits("cluster"));
        var c1 = new Dictionary<string, string> { ["environment"] = "production", ["cluster"] = "c1" };
        h.Sample("prod-db-01", "gds_collector_up", 0, T0, c1);
        Assert.False(Assert.Single(h.Sample("prod-db-03", "cpu_usage_percent", 95, T0.AddMinutes(1), c1)).ShouldNotify);
        Assert.True(Assert.Single(h.Cpu("prod-db-01", 95, T0.AddMinutes(1))).ShouldNotify);  // target lacks cluster
    }

    [Fact]
    public void A_source_firing_after_its_target_mutes_the_targets_repeats_and_inhibition_survives_a_restart()
    {
        var h = Harness(CollectorInhibits("instance_id"));
        Assert.True(Assert.Single(h.Cpu("prod-db-01", 95, T0)).ShouldNotify);
        h.Sample("prod-db-01", "gds_collector_up", 0, T0.AddMinutes(1));
        h.Tick(T0.AddMinutes(2));
        Assert.Equal([CollectorKey], h.Store.Get("cpu-high:prod-db-01:cpu_usage_percent")!.InhibitedBy);
        h.Restart();                                                       // the inhibitor is rebuilt from the store
        Assert.Empty(h.Cpu("prod-db-01", 95, T0.AddMinutes(10)));
        var recovered = h.Sample("prod-db-01", "gds_collector_up", 1, T0.AddMinutes(12));
        Assert.Contains(recovered, e => e.DedupKey.StartsWith("cpu-high") && e.ShouldNotify);
    }

    [Fact]
    public void An_alert_matching_both_sides_never_inhibits_itself()
    {
        var h = new HygieneHarness(Cpu());
        h.InhibitRules.ReplaceAll([new InhibitRule { Name = "any", SourceMatchers = ["rule_id=cpu-high"], TargetMatchers = ["rule_id=cpu-high"] }]);
        Assert.True(Assert.Single(h.Cpu("prod-db-01", 95, T0)).ShouldNotify);
        Assert.False(Assert.Single(h.Cpu("prod-db-02", 95, T0)).ShouldNotify);   // but it inhibits its peers
    }

    [Fact]
    public void Inhibit_rules_are_read_from_the_rules_file_with_line_accurate_errors()
    {
        const string yaml = """
            rules:
              - id: cpu-high
                kind: threshold
                selector: {metric: cpu_usage_percent}
                op: ">"
                value: 90
            inhibit_rules:
              - name: ok
                source_matchers: ['rule_id=collector-down']
                target_matchers: ['rule_id!=collector-down']
                equal: [instance_id]
              - name: broken
                source_matchers: ['rule_id=collector-down', 'severity=~(CRIT']
                target_matchers: []
                equal: [instance-id]
                eqaul: [x]
              - source_matchers: ['a=b']
                target_matchers: ['c=d']
            """;
        var file = new RuleFileReader().Read("rules.yaml", yaml);
        Assert.Single(file.Rules);
        var ok = Assert.Single(file.InhibitRules);
        Assert.Equal(("ok", "instance_id"), (ok.Name, ok.Equal[0]));
        Assert.Contains(file.Errors, e => e.Line == 13 && e.Field == "inhibit_rules[1].source_matchers[1]" && e.Message.Contains("regular expression"));
        Assert.Contains(file.Errors, e => e.Line == 14 && e.Field == "inhibit_rules[1].target_matchers" && e.Message.Contains("must not be empty"));
        Assert.Contains(file.Errors, e => e.Line == 15 && e.Field == "inhibit_rules[1].equal[0]" && e.Message.Contains("not a label name"));
        Assert.Contains(file.Errors, e => e.Line == 16 && e.Field == "inhibit_rules[1].eqaul" && e.Message.Contains("unknown field"));
        Assert.Contains(file.Errors, e => e.Line == 17 && e.Field == "inhibit_rules[2].name" && e.Message.Contains("is required"));
    }

    [Fact]
    public void The_example_inhibit_file_is_valid_and_mutes_an_instance_whose_collector_is_down()
    {
        var file = new RuleFileReader().ReadFile(Path.Combine(RepoRoot(), "examples", "inhibit.yaml"));
        Assert.True(file.IsValid, string.Join("\n", file.Errors));
        var book = new InhibitRuleBook();
        book.ReplaceAll(file.InhibitRules);
        var inhibitor = new Inhibitor(new Gds.Alerting.Fleet.FleetFiring(book));
        inhibitor.Rebuild([]);
        var down = new Dictionary<string, string> { ["rule_id"] = "collector-down", ["instance_id"] = "prod-db-01", ["metric_name"] = "gds_collector_up" };
        inhibitor.OnFiring(CollectorKey, down);
        var cpu = new Dictionary<string, string> { ["rule_id"] = "cpu-high", ["instance_id"] = "prod-db-01", ["metric_name"] = "cpu_usage_percent" };
        Assert.Equal([CollectorKey], inhibitor.InhibitorsOf("cpu-high:prod-db-01:cpu_usage_percent", cpu));
        Assert.Empty(inhibitor.InhibitorsOf("cpu-high:prod-db-02:cpu_usage_percent", new Dictionary<string, string>(cpu) { ["instance_id"] = "prod-db-02" }));
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GdsStreams.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("GdsStreams.sln not found above " + AppContext.BaseDirectory);
    }
}
