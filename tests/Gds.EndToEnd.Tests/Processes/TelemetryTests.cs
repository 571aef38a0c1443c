using System.Net;
using Gds.Contracts.Alerts;
using Gds.Telemetry;
using Npgsql;
using Xunit.Abstractions;

namespace Gds.EndToEnd.Tests.Processes;

/// <summary>
/// Every long-running verb's --http endpoint, as a user's monitoring uses it: a real Prometheus (the test services')
/// scrapes `gds streams` and `gds sink` and its query API shows what they did; promtool accepts each endpoint's
/// output; /readyz follows the stream's start and the sink's breaker; and the sink's self-report makes the rule
/// pack's sink-breaker-open rule fire through the real topology.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class TelemetryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Prometheus_sees_streams_and_sink_up_with_their_alerts_and_the_sinks_open_breaker_pages_through_the_pipeline()
    {
        var prometheus = Prometheus.FromEnvironment();
        var run = Guid.NewGuid().ToString("N")[..8];
        await using var c = await StreamsCluster.StartAsync();
        // The pack's own rule, less its minute of `for`: this test does not last a minute.
        var breakerRule = RuleSet.Read([RepoPaths.Examples(Path.Combine("rules", "gds.yaml"))]).Rules.Single(r => r.Id == "sink-breaker-open") with { For = null };
        await RulePublisher.PublishAsync(c.Clients, [breakerRule], prune: false, CancellationToken.None);
        var selfReportEverySecond = new Dictionary<string, string> { ["GDS_SelfReport__Enabled"] = "true", ["GDS_SelfReport__Interval"] = "00:00:01" };
        using var streamsHttp = ScrapedProcess.For("streams");
        using var sinkHttp = ScrapedProcess.For("sink");

        var streams = c.StartStreams(environment: selfReportEverySecond, extra: streamsHttp.HttpArgs);
        // The broker holds a new group's first assignment for 3 s: the endpoint answers well before the stream runs.
        var first = await streamsHttp.FirstReadinessAsync(Long, streams);
        // Not ready: "starting" until the verb has built its stream, then "streams" until the stream runs.
        Assert.True(first.Status == HttpStatusCode.ServiceUnavailable
                    && (first.Body.Contains("\"streams\"", StringComparison.Ordinal) || first.Body.Contains("\"starting\"", StringComparison.Ordinal)), $"{(int)first.Status} {first.Body}");
        await streamsHttp.WaitForReadinessAsync(HttpStatusCode.OK, Long, streams);
        var sink = c.StartSink(new Dictionary<string, string>(selfReportEverySecond)
        {
            // A breaker that opens on the second failure and tries again after 2 s, so the test need not wait long.
            ["GDS_Sink__Breaker__MinimumThroughput"] = "2",
            ["GDS_Sink__Breaker__BreakDuration"] = "00:00:02",
            ["GDS_Sink__Retry__BaseDelay"] = "00:00:00.100",
            ["GDS_Sink__Retry__MaxDelay"] = "00:00:00.500",
        }, sinkHttp.HttpArgs);
        await sinkHttp.WaitForReadinessAsync(HttpStatusCode.OK, Long, sink);
        streamsHttp.RegisterWith(prometheus, run);
        sinkHttp.RegisterWith(prometheus, run);

        var breaching = Enumerable.Range(1, 5).Select(i => $"tel-db-{i}").ToList();
        c.Load.Set(breaching, MetricLoad.Breaching);
        c.Load.ProduceRound();
        await c.Alerts.WaitAsync(r => r.Count(x => x.Event.RuleId == StreamsCluster.RuleId && x.Event.Status == AlertStatus.Firing) == breaching.Count,
            Long, "5 firing events", c.Diagnostics);
        await Eventually.Until(() => c.Receiver.LogEntries.Count() >= breaching.Count, Long, "5 notifications");

        await prometheus.WaitAsync($"up{{run=\"{run}\"}}", r => r.Count == 2 && r.All(x => x.Value == 1), Long, "both processes up");
        await prometheus.WaitAsync($"sum(gds_streams_alerts_emitted_total{{run=\"{run}\",rule_id=\"{StreamsCluster.RuleId}\",status=\"firing\"}})",
            r => r.Count == 1 && r[0].Value == breaching.Count, Long, "5 firing alerts counted by the topology");
        var posts = c.Receiver.LogEntries.Count();
        await prometheus.WaitAsync($"gds_sink_notifications_total{{run=\"{run}\"}}", r => r.Count == 1 && r[0].Value == posts, Long,
            $"the {posts} notifications the receiver got, counted by the sink");
        await prometheus.WaitAsync($"gds_sink_consumer_lag_records{{run=\"{run}\",topic=\"gds.alerts\"}}",
            r => r.Count == StreamsCluster.Partitions && r.All(x => x.Value == 0), Long, "the sink's lag: every partition, read to its end");
        await prometheus.WaitAsync($"gds_streams_running{{run=\"{run}\"}}", r => r.Count == 1 && r[0].Value == 1, Long, "the stream running");
        foreach (var endpoint in new[] { streamsHttp, sinkHttp })
        {
            var (code, said) = await endpoint.PromtoolCheckAsync();
            Assert.True(code == 0, $"promtool check metrics on {endpoint.Verb}: {said}");
        }

        // gds_notification fails: the breaker opens, the sink is not ready, and its self-report pages.
        var openedAt = DateTime.UtcNow;
        c.Receiver.Reset();
        c.Receiver.Given(Request.Create().WithPath("/ingest").UsingPost()).RespondWith(Response.Create().WithStatusCode(503));
        var more = Enumerable.Range(1, 5).Select(i => $"tel-late-{i}").ToList();
        c.Load.Set(more, MetricLoad.Breaching);
        c.Load.ProduceRound();
        await sinkHttp.WaitForReadinessAsync(HttpStatusCode.ServiceUnavailable, Long, sink, "breaker");
        await prometheus.WaitAsync($"gds_sink_breaker_open{{run=\"{run}\"}}", r => r.Count == 1 && r[0].Value == 1, Long, "the breaker open");
        var sinkIdentity = ProcessTelemetry.DefaultIdentity("sink");
        await c.Alerts.WaitAsync(r => r.Any(x => x.Event.RuleId == "sink-breaker-open" && x.Event.InstanceId == sinkIdentity && x.Event.Status == AlertStatus.Firing),
            Long, "sink-breaker-open firing for the sink", c.Diagnostics);
        output.WriteLine($"sink-breaker-open fired {(DateTime.UtcNow - openedAt).TotalSeconds:F1} s after gds_notification began to answer 503");

        // It answers again: the breaker closes, the sink is ready, the page resolves.
        c.Receiver.Reset();
        c.Receiver.Given(Request.Create().WithPath("/ingest").UsingPost()).RespondWith(Response.Create().WithStatusCode(202));
        await sinkHttp.WaitForReadinessAsync(HttpStatusCode.OK, Long, sink);
        await c.Alerts.WaitAsync(r => r.Any(x => x.Event.RuleId == "sink-breaker-open" && x.Event.InstanceId == sinkIdentity && x.Event.Status == AlertStatus.Resolved),
            Long, "sink-breaker-open resolved", c.Diagnostics);
        await Eventually.Until(() => c.Receiver.LogEntries.Any(e => e.RequestMessage.Body!.Contains("tel-late-1", StringComparison.Ordinal)), Long,
            "the events held while the breaker was open, delivered");
    }

    [Fact]
    public async Task Collect_and_dw_import_serve_metrics_promtool_accepts_and_are_ready_once_they_scrape_and_consume()
    {
        var pg = Environment.GetEnvironmentVariable("GDS_TEST_PG_CONNECTION")
                 ?? throw new InvalidOperationException("GDS_TEST_PG_CONNECTION is not set: run the tests with ./test.sh");
        using var broker = EmbeddedBroker.Start();
        await new EmbeddedTopicCreator(broker).EnsureAsync(DevTopics.All(2));
        var dir = Directory.CreateTempSubdirectory("gds-telemetry-").FullName;
        await using var warehouse = await TestDatabase.CreateAsync(pg, "gds_tel");
        var targets = Path.Combine(dir, "targets.yaml");
        await File.WriteAllTextAsync(targets, $"""
            targets:
              - id: tel-pg
                type: postgresql
                environment: production
                connection: "{pg}"
                interval: 1s
                timeout: 1s
            """);
        using var collectHttp = ScrapedProcess.For("collect");
        using var dwHttp = ScrapedProcess.For("dw-import");
        using var collect = GdsProcess.Start("collect", ["collect", "--config", targets, "--bootstrap", broker.BootstrapServers,
            "--spool-dir", Path.Combine(dir, "spool"), .. collectHttp.HttpArgs]);
        using var dw = GdsProcess.Start("dw-import", ["dw-import", "--bootstrap", broker.BootstrapServers, "--target", "postgresql",
            "--connection", warehouse.Connection.ConnectionString, "--init", .. dwHttp.HttpArgs]);
        try
        {
            await collectHttp.WaitForReadinessAsync(HttpStatusCode.OK, Long, collect);
            await Eventually.Until(() => collectHttp.MetricsAsync().Result.Contains("gds_collector_target_up{instance_id=\"tel-pg\",database_type=\"postgresql\"} 1", StringComparison.Ordinal),
                Long, "the target up on the collector's /metrics", () => collect.Tail());
            await dwHttp.WaitForReadinessAsync(HttpStatusCode.OK, Long, dw);
            await Eventually.Until(() => RowsLoaded(dwHttp.MetricsAsync().Result) > 0, Long, "rows loaded on the importer's /metrics", () => dw.Tail());
            foreach (var endpoint in new[] { collectHttp, dwHttp })
            {
                var (code, said) = await endpoint.PromtoolCheckAsync();
                Assert.True(code == 0, $"promtool check metrics on {endpoint.Verb}: {said}");
            }
        }
        finally
        {
            collect.Kill();
            dw.Kill();
            Directory.Delete(dir, true);
        }
    }

    private static double RowsLoaded(string metrics) =>
        metrics.Split('\n').Where(l => l.StartsWith("gds_warehouse_rows_loaded_total ", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Single();
}
