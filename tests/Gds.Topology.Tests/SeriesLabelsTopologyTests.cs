using static Gds.Topology.Tests.TopologyFixture;

namespace Gds.Topology.Tests;

/// <summary>Per-database readings reach the topology as one series each: their own state, lifecycle and ids.</summary>
public class SeriesLabelsTopologyTests
{
    private static Rule Wraparound(string? @for) => new()
    {
        Id = "pg-wraparound",
        Kind = RuleKinds.Threshold,
        Selector = new RuleSelector { Metric = "pg_database_wraparound_ratio" },
        Op = ">",
        Value = 0.5,
        For = @for,
        Severity = Severities.Critical,
        Annotations = new Dictionary<string, string> { ["summary"] = "wraparound at {{value}} on {{series}}" },
    };

    private static Dictionary<string, string> Db(string name) => new() { ["database"] = name };

    [Fact]
    public void Two_databases_of_one_instance_do_not_share_a_series_so_for_holds_and_nothing_flaps()
    {
        using var f = new TopologyFixture();
        f.PublishRule(Wraparound("2m"));
        for (var i = 0; i < 20; i++)
        {
            f.Sample("pg-1", 0.8, T0.AddSeconds(30 * i), "pg_database_wraparound_ratio", Db("orders"));
            f.Sample("pg-1", 0.01, T0.AddSeconds(30 * i), "pg_database_wraparound_ratio", Db("postgres"));
        }
        var e = Assert.Single(f.ReadAlerts());
        Assert.Equal(AlertStatus.Firing, e.Status);
        Assert.Equal("pg-wraparound:pg-1:pg_database_wraparound_ratio{database=\"orders\"}", e.DedupKey);
        Assert.Equal("wraparound at 0.8 on orders@pg-1", e.Summary);
        Assert.Equal("orders", e.Labels["database"]);
        Assert.Equal("us-east-1", e.Labels["region"]);

        f.Sample("pg-1", 0.1, T0.AddMinutes(11), "pg_database_wraparound_ratio", Db("orders"));
        var resolved = Assert.Single(f.ReadAlerts());
        Assert.Equal(AlertStatus.Resolved, resolved.Status);
        Assert.Equal(e.DedupKey, resolved.DedupKey);
    }

    [Fact]
    public void Without_for_each_database_fires_and_resolves_on_its_own_transitions_only()
    {
        using var f = new TopologyFixture();
        f.PublishRule(Wraparound(null));
        for (var i = 0; i < 20; i++)
        {
            f.Sample("pg-1", 0.8, T0.AddSeconds(30 * i), "pg_database_wraparound_ratio", Db("orders"));
            f.Sample("pg-1", i < 10 ? 0.01 : 0.9, T0.AddSeconds(30 * i), "pg_database_wraparound_ratio", Db("billing"));
        }
        var events = f.ReadAlerts();
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(AlertStatus.Firing, e.Status));
        Assert.Equal(["billing", "orders"], events.Select(e => e.Labels["database"]).Order());
        Assert.Equal(2, events.Select(e => e.EventId).Distinct().Count());
    }
}
