using Gds.Alerting.Tests.Support;
using static Gds.Alerting.Tests.Support.Harness;

namespace Gds.Alerting.Tests;

/// <summary>`per: COUNTER`: a mean latency from two cumulative counters, as rate(time) / rate(operations).</summary>
public sealed class PerThresholdTests
{
    private const string Latency = """
        rules:
          - id: mongo-read-latency
            kind: threshold
            selector: { metric: mongodb_op_latency_reads_seconds_total }
            per: mongodb_op_latency_reads_ops_total
            op: ">"
            value: 0.1
        """;

    private static Metric Counter(string metric, double value, double seconds, string? db = null) => Sample(Sec(seconds), value, metric, "mongo-1") with
    {
        Labels = db is null ? SeriesLabels.None : new Dictionary<string, string> { ["database"] = db },
    };

    private static void Moment(Harness h, double time, double ops, double seconds, bool perFirst = false, string? db = null)
    {
        var a = Counter("mongodb_op_latency_reads_seconds_total", time, seconds, db);
        var b = Counter("mongodb_op_latency_reads_ops_total", ops, seconds, db);
        if (perFirst) h.Feed(b).Feed(a); else h.Feed(a).Feed(b);
    }

    [Fact]
    public void The_mean_time_per_operation_over_each_interval_is_judged_whichever_counter_arrives_first()
    {
        var h = new Harness(Latency);
        Moment(h, 100, 10_000, 0);                       // 10 ms per read so far: the history does not matter
        Moment(h, 105, 11_000, 30, perFirst: true);      // 5 s over 1000 reads: 5 ms
        Assert.Empty(h.Events);
        Moment(h, 205, 11_500, 60);                      // 100 s over 500 reads: 200 ms
        var fired = Assert.Single(h.Events);
        Assert.Equal(0.2, fired.Value!.Value, 6);
        Assert.Equal("> 0.1 per mongodb_op_latency_reads_ops_total", fired.Expected);
        Assert.Equal("mongo-read-latency:mongo-1:mongodb_op_latency_reads_seconds_total", fired.DedupKey);

        Moment(h, 215, 13_500, 90, perFirst: true);      // 10 s over 2000 reads: 5 ms
        Assert.Equal(AlertStatus.Resolved, h.Events[^1].Status);
    }

    [Fact]
    public void No_traffic_is_clear_and_a_reset_counts_from_zero()
    {
        var h = new Harness(Latency);
        Moment(h, 100, 1000, 0);
        Moment(h, 200, 1100, 30);                        // 1 s per read: fires
        Assert.Single(h.Fired);
        Moment(h, 200, 1100, 60);                        // nothing happened: no latency to speak of
        Assert.Single(h.Resolved);
        Moment(h, 1, 50, 90);                            // restart: 1 s over 50 reads = 20 ms
        Assert.Single(h.Fired);
    }

    [Fact]
    public void Each_label_set_pairs_its_own_counters()
    {
        var h = new Harness(Latency);
        Moment(h, 0, 0, 0, db: "orders");
        Moment(h, 0, 0, 0, db: "users");
        Moment(h, 50, 100, 30, db: "orders");            // 500 ms
        Moment(h, 1, 1000, 30, db: "users");             // 1 ms
        var fired = Assert.Single(h.Events);
        Assert.Equal("orders", fired.Labels["database"]);
    }

    [Fact]
    public void Per_is_refused_where_it_cannot_mean_anything()
    {
        var file = new Gds.Alerting.Rules.RuleFileReader().Read("r.yaml", """
            rules:
              - id: a
                kind: threshold
                selector: { metric: x_total }
                per: x_total
                op: ">"
                value: 1
              - id: b
                kind: anomaly
                selector: { metric: x_total }
                per: y_total
            """);
        Assert.Contains(file.Errors, e => e.RuleId == "a" && e.Field == "per" && e.Message.Contains("must differ"));
        Assert.Contains(file.Errors, e => e.RuleId == "b" && e.Field == "per" && e.Message.Contains("threshold rules only"));
    }
}
