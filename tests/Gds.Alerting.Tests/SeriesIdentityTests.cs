using Gds.Alerting.Events;
using Gds.Alerting.Tests.Hygiene;
using Gds.Alerting.Tests.Support;
using static Gds.Alerting.Tests.Support.Harness;

namespace Gds.Alerting.Tests;

/// <summary>
/// A series is instance + metric + its own labels (one per database, lock mode, standby, ...); the instance's tags
/// describe it and never split or rename a series.
/// </summary>
public sealed class SeriesIdentityTests
{
    private const string Wraparound = """
        rules:
          - id: pg-wraparound
            kind: threshold
            selector: { metric: pg_database_wraparound_ratio }
            op: ">"
            value: 0.5
            for: 2m
        """;

    private static Metric Db(DateTimeOffset at, string database, double value, IReadOnlyDictionary<string, string>? tags = null) => new()
    {
        Timestamp = at,
        DatabaseType = "postgresql",
        InstanceId = "pg-1",
        MetricName = "pg_database_wraparound_ratio",
        Value = value,
        Tags = tags ?? new Dictionary<string, string> { ["environment"] = "production" },
        Labels = new Dictionary<string, string> { ["database"] = database },
    };

    [Fact]
    public void Each_database_is_its_own_series_so_a_per_database_rule_fires_once_for_the_right_one_and_never_flaps()
    {
        var h = new Harness(Wraparound);
        for (var i = 0; i < 20; i++)   // ten minutes, a sample of each database every 30 s
        {
            h.Feed(Db(Sec(30 * i), "orders", 0.8));
            h.Feed(Db(Sec(30 * i), "postgres", 0.01));
        }

        var fired = Assert.Single(h.Events);
        Assert.Equal(AlertStatus.Firing, fired.Status);
        Assert.Equal(Sec(120), fired.EventTime);
        Assert.Equal("pg-wraparound:pg-1:pg_database_wraparound_ratio{database=\"orders\"}", fired.DedupKey);
        Assert.Equal("orders", fired.Labels["database"]);
        Assert.Equal("orders", fired.SeriesLabels!["database"]);
        Assert.Contains("orders@pg-1", fired.Summary);
    }

    [Fact]
    public void A_metric_without_labels_keeps_exactly_the_dedup_key_and_event_ids_it_had_before_labels()
    {
        var h = new Harness(Wraparound.Replace("for: 2m", "for: 0s"));
        h.Feed(Sample(Sec(0), 0.9, "pg_database_wraparound_ratio", "pg-1"));
        var fired = Assert.Single(h.Events);
        Assert.Equal("pg-wraparound:pg-1:pg_database_wraparound_ratio", fired.DedupKey);
        Assert.Null(fired.SeriesLabels);
        // Pinned: the id of this transition as every earlier release computed it (a changed formula would orphan
        // the receivers' idempotency and the acks already given).
        Assert.Equal(EventIds.For("pg-wraparound:pg-1:pg_database_wraparound_ratio", "firing", Sec(0), 0), fired.EventId);
        Assert.Equal("8636af9ec5b8fa34b950e6201f5c9aaa", EventIds.For("cpu-high:prod-db-01:cpu_usage_percent", "firing", new DateTimeOffset(2025, 1, 15, 10, 30, 0, TimeSpan.Zero), 0));
    }

    [Fact]
    public void Editing_the_instances_tags_neither_resolves_nor_re_fires_its_open_alerts()
    {
        var h = new Harness(Wraparound.Replace("for: 2m", "for: 0s"));
        h.Feed(Db(Sec(0), "orders", 0.8));
        h.Feed(Db(Sec(30), "orders", 0.8, new Dictionary<string, string> { ["environment"] = "production", ["team"] = "payments", ["region"] = "eu-west-1" }));
        h.Feed(Db(Sec(60), "orders", 0.8, new Dictionary<string, string> { ["environment"] = "production", ["team"] = "billing" }));
        Assert.Single(h.Events);
        h.Feed(Db(Sec(90), "orders", 0.1, new Dictionary<string, string> { ["environment"] = "production", ["team"] = "billing" }));
        var resolved = Assert.Single(h.Resolved);
        Assert.Equal("billing", resolved.Labels["team"]);      // the newest tags describe it
        Assert.Equal(h.Events[0].DedupKey, resolved.DedupKey);
    }

    [Fact]
    public void A_selector_tag_matches_a_series_label_so_a_rule_can_watch_one_database()
    {
        var h = new Harness("""
            rules:
              - id: orders-big
                kind: threshold
                selector: { metric: pg_database_wraparound_ratio, tags: { database: orders } }
                op: ">"
                value: 0.5
            """);
        h.Feed(Db(Sec(0), "postgres", 0.9));
        Assert.Empty(h.Events);
        h.Feed(Db(Sec(0), "orders", 0.9));
        Assert.Equal("orders", Assert.Single(h.Events).Labels["database"]);
    }

    [Fact]
    public void Burn_rate_counters_pair_up_per_label_set()
    {
        var h = new Harness("""
            rules:
              - id: rollback-slo
                kind: burn_rate
                selector: { database_type: postgresql }
                bad_metric: pg_database_xact_rollback_total
                total_metric: pg_database_xact_commit_total
                objective: 99
                windows: [{ long: 10m, short: 1m, factor: 10 }]
            """);
        Metric Counter(string metric, string db, double v, double s) => Db(Sec(s), db, v) with { MetricName = metric };
        for (var i = 0; i <= 20; i++)
        {
            // orders: half its transactions roll back; postgres: none do. Alone each says something else.
            h.Feed(Counter("pg_database_xact_commit_total", "orders", 100 * i, 30 * i));
            h.Feed(Counter("pg_database_xact_rollback_total", "orders", 50 * i, 30 * i));
            h.Feed(Counter("pg_database_xact_commit_total", "postgres", 1000 * i, 30 * i));
            h.Feed(Counter("pg_database_xact_rollback_total", "postgres", 0, 30 * i));
        }
        var fired = Assert.Single(h.Fired);
        Assert.Equal("orders", fired.Labels["database"]);
        Assert.EndsWith("{database=\"orders\"}", fired.DedupKey);
    }

    [Fact]
    public void An_absence_rule_per_series_watches_each_database_and_per_instance_the_instance_as_a_whole()
    {
        var h = new Harness("""
            rules:
              - id: db-silent
                kind: absence
                selector: { metric: pg_database_wraparound_ratio }
                timeout: 2m
              - id: instance-silent
                kind: absence
                scope: instance
                selector: { metric: pg_database_wraparound_ratio }
                timeout: 2m
            """);
        h.Feed(Db(Sec(0), "orders", 0.1)).Feed(Db(Sec(0), "postgres", 0.1));
        h.Feed(Db(Sec(150), "postgres", 0.1));   // orders stops reporting; the instance does not
        h.Tick(Sec(160));
        var fired = Assert.Single(h.Fired);
        Assert.Equal("db-silent", fired.RuleId);
        Assert.Equal("orders", fired.Labels["database"]);
    }

    [Fact]
    public void Silences_and_acks_name_one_database_of_an_instance()
    {
        var rule = new Rule
        {
            Id = "pg-wraparound", Kind = RuleKinds.Threshold, Selector = new RuleSelector { Metric = "pg_database_wraparound_ratio" },
            Op = ">", Value = 0.5, RepeatInterval = "10m",
        };
        var h = new HygieneHarness(rule);
        var t0 = HygieneHarness.T0;
        h.Silence("orders-maint", t0.AddHours(-1), t0.AddHours(1), "instance_id=pg-1", "database=orders");
        var orders = Assert.Single(h.Sample("pg-1", "pg_database_wraparound_ratio", 0.8, t0, labels: new Dictionary<string, string> { ["database"] = "orders" }));
        var billing = Assert.Single(h.Sample("pg-1", "pg_database_wraparound_ratio", 0.8, t0, labels: new Dictionary<string, string> { ["database"] = "billing" }));
        Assert.False(orders.ShouldNotify);
        Assert.True(billing.ShouldNotify);

        Assert.True(AlertReference.TryParse(billing.DedupKey, out var reference, out _));
        var (outcome, acked) = h.Ack(reference!.DedupKey, "alice", t0.AddMinutes(1));
        Assert.Equal(AckOutcome.Acknowledged, outcome);
        Assert.Equal(billing.DedupKey, Assert.Single(acked).DedupKey);
        Assert.Empty(h.Sample("pg-1", "pg_database_wraparound_ratio", 0.8, t0.AddMinutes(11), labels: new Dictionary<string, string> { ["database"] = "billing" }));
    }
}
