using Gds.Cli.Dev.Fleet;
using Gds.Monitor.Collectors;
using Gds.TestSupport;
using Pg = Gds.Contracts.Metrics.Catalog.PostgreSqlMetrics;

namespace Gds.Cli.Tests.Dev;

/// <summary>
/// The synthetic fleet looks to the rest of the system like a fleet scraped by real collectors: catalogue metrics only,
/// each with its catalogue labels, once per scrape; records shaped as a collector publishes them; numbers that agree
/// with each other; and the same records for the same seed.
/// </summary>
public sealed class SyntheticFleetTests
{
    private static readonly List<FleetTick> OneCycle = FleetRun.Ticks(new SyntheticFleet(), SyntheticFleet.Cycle).ToList();

    [Fact]
    public void Every_scrape_of_every_target_keeps_the_catalogue_at_every_tick()
    {
        var problems = new List<string>();
        foreach (var tick in OneCycle)
            foreach (var scrape in tick.Metrics.GroupBy(m => m.InstanceId))
                problems.AddRange(CatalogueConformance.Problems(scrape.Select(m => new Sample(m.MetricName, m.Value, m.Labels)), scrape.First().DatabaseType)
                    .Select(p => $"{scrape.Key} at {tick.Heartbeat.Timestamp:HH:mm:ss}: {p}"));
        Assert.True(problems.Count == 0, string.Join("\n", problems.Distinct().Take(40)));
    }

    [Fact]
    public void The_fleet_has_every_database_type_and_role_and_stays_a_modest_load()
    {
        var fleet = new SyntheticFleet();
        Assert.Equal(["mongodb", "mssql", "postgresql", "snowflake"], fleet.Targets.Select(t => t.Type).Distinct().Order());
        Assert.Contains(fleet.Targets, t => t.Id == "pg-staging-01" && t.Environment == "staging");
        Assert.Equal(13, fleet.Targets.Count);
        var labels = OneCycle[0].Metrics.SelectMany(m => m.Labels.Keys).ToHashSet();
        Assert.Superset(new HashSet<string> { "database", "standby", "slot", "member", "operation", "wait_type", "availability_group", "replica", "warehouse" }, labels);
        Assert.InRange(OneCycle.Max(t => t.Metrics.Count), 500, 3_000);
    }

    [Fact]
    public void Records_are_shaped_as_a_collector_publishes_them()
    {
        foreach (var scrape in OneCycle.SelectMany(t => t.Metrics.GroupBy(m => m.InstanceId)))
        {
            var first = scrape.First();
            Assert.Single(scrape.Select(m => m.Timestamp).Distinct());
            Assert.Single(scrape.Select(m => m.Metadata!.CorrelationId).Distinct());
            Assert.All(scrape, m => Assert.Equal(first.Tags, m.Tags));
            // Tags describe the instance; the labels that tell its readings apart are never among them.
            Assert.Subset(first.Tags.Keys.ToHashSet(), new HashSet<string> { "environment", "region" });
            Assert.DoesNotContain(scrape.SelectMany(m => m.Labels.Keys), first.Tags.ContainsKey);
            Assert.Equal(1, scrape.Single(m => m.MetricName == CollectorMetrics.Up.Name).Value);
            Assert.Equal(scrape.Count() - 6, scrape.Single(m => m.MetricName == CollectorMetrics.SamplesScraped.Name).Value);
        }
        Assert.All(OneCycle, t => Assert.Equal((SyntheticFleet.CollectorId, 13, 13), (t.Heartbeat.CollectorId, t.Heartbeat.Targets, t.Heartbeat.TargetsUp)));
    }

    [Fact]
    public void Counters_never_go_down()
    {
        var counters = OneCycle.SelectMany(t => t.Metrics)
            .Where(m => MetricCatalog.TryGet(m.MetricName, out var d) && d.IsCounter)
            .GroupBy(m => m.InstanceId + ":" + m.MetricName + SeriesLabels.Format(m.Labels));
        var falling = counters.Where(series => series.Zip(series.Skip(1)).Any(p => p.Second.Value < p.First.Value)).Select(s => s.Key).ToList();
        Assert.True(falling.Count == 0, string.Join("\n", falling));
    }

    [Fact]
    public void A_primary_and_its_standby_tell_the_same_replication_story_through_the_replay_stall()
    {
        foreach (var tick in OneCycle)
        {
            double Value(string instance, string metric, string? standby = null) =>
                tick.Metrics.Single(m => m.InstanceId == instance && m.MetricName == metric && (standby is null || m.Labels["standby"] == standby)).Value;
            var standbyOwn = Value("pg-prod-02", Pg.ReplayLag.Name);
            var primarySees = Value("pg-prod-01", Pg.StandbyReplayLag.Name, "pg-prod-02");
            Assert.Equal(standbyOwn, primarySees, 3);
            Assert.Equal(1, Value("pg-prod-02", Pg.InRecovery.Name));
            Assert.Equal(0, Value("pg-prod-01", Pg.InRecovery.Name));
            Assert.DoesNotContain(tick.Metrics, m => m.InstanceId == "pg-prod-01" && m.MetricName == Pg.ReplayLag.Name);
        }
        Assert.Contains(OneCycle, t => t.Metrics.Any(m => m.InstanceId == "pg-prod-02" && m.MetricName == Pg.ReplayLag.Name && m.Value > 300));
    }

    [Fact]
    public void A_secondary_lags_as_much_in_its_own_eyes_as_in_the_primary_s()
    {
        foreach (var tick in OneCycle)
        {
            var own = tick.Metrics.Single(m => m.InstanceId == "mongo-prod-03" && m.MetricName == MongoDbMetrics.ReplSetLag.Name).Value;
            var seen = tick.Metrics.Single(m => m.InstanceId == "mongo-prod-01" && m.MetricName == MongoDbMetrics.ReplSetMemberLag.Name && m.Labels["member"] == "mongo-prod-03:27017").Value;
            Assert.Equal(own, seen, 3);
        }
    }

    [Fact]
    public void Sessions_add_up_to_the_connections_and_backends_by_database_too()
    {
        string[] states = [Pg.SessionsActive.Name, Pg.SessionsIdle.Name, Pg.SessionsIdleInTransaction.Name, Pg.SessionsIdleInTransactionAborted.Name,
            Pg.SessionsFastpathFunctionCall.Name, Pg.SessionsDisabled.Name];
        foreach (var scrape in OneCycle.SelectMany(t => t.Metrics.Where(m => m.DatabaseType == DatabaseTypes.PostgreSql).GroupBy(m => m.InstanceId)))
        {
            var used = scrape.Single(m => m.MetricName == Pg.ConnectionsUsed.Name).Value;
            Assert.Equal(used, scrape.Where(m => states.Contains(m.MetricName)).Sum(m => m.Value));
            Assert.Equal(used, scrape.Where(m => m.MetricName == Pg.DatabaseBackends.Name).Sum(m => m.Value));
            Assert.True(used <= scrape.Single(m => m.MetricName == Pg.ConnectionsMax.Name).Value);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_records_and_another_seed_other_values()
    {
        static List<(string, string, double)> Run(int seed) =>
            FleetRun.Ticks(new SyntheticFleet(seed: seed), TimeSpan.FromSeconds(20)).SelectMany(t => t.Metrics)
                .Select(m => (m.InstanceId + m.MetricName + SeriesLabels.Format(m.Labels), m.Metadata!.CorrelationId!, m.Value)).ToList();
        Assert.Equal(Run(5), Run(5));
        Assert.NotEqual(Run(5).Select(x => x.Item3), Run(6).Select(x => x.Item3));
    }
}
