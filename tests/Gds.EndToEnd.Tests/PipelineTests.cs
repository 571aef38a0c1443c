using Confluent.Kafka;
using Gds.Alerting.Backtest;
using Gds.Alerting.Events;
using Gds.Alerting.Kinds.Absence;
using Gds.Cli.Dev;
using Gds.Cli.Dev.Fleet;
using Gds.Contracts.Metrics;
using Gds.Contracts.Serialization;
using Gds.Contracts.Topics;

namespace Gds.EndToEnd.Tests;

public class PipelineTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_fleet_s_incidents_reach_the_receiver_as_exactly_their_declared_alerts_once_each()
    {
        await using var p = await RunningPipeline.StartAsync(partitions: 3, status: 202);

        // One cycle of the fleet and a few calm seconds of the next, all at once. The records carry times from a
        // minute ahead on: the topology's clock (wall time) must not pass the newest heartbeat it has read by more than
        // the collector-down timeout (2m, 4 s scaled), or the absence rule sees a dead collector. With times from now
        // on, a loaded machine's stream process once read the first heartbeats too late: every collector went down
        // and came back in the notifications.
        var t0 = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()).AddMinutes(1);
        var fleet = new SyntheticFleet(instancesPerType: 3, seed: 7);
        var ticks = Enumerable.Range(0, (int)SyntheticFleet.Cycle.TotalSeconds + 3)
            .Select(t => fleet.Scrape(t0.AddSeconds(t), TimeSpan.FromSeconds(t))).ToList();
        var metrics = ticks.Sum(t => t.Metrics.Count);
        using (var producer = new ProducerBuilder<string, byte[]>(p.Clients.ProducerConfig("e2e")).Build())
        {
            foreach (var tick in ticks)
            {
                foreach (var m in tick.Metrics)
                    producer.Produce(TopicNames.Metrics(m.DatabaseType, m.Environment), new Message<string, byte[]> { Key = m.InstanceId, Value = GdsJson.Serialize(m) });
                producer.Produce(TopicNames.Heartbeats, new Message<string, byte[]> { Key = tick.Heartbeat.CollectorId, Value = GdsJson.Serialize(tick.Heartbeat) });
            }
            producer.Flush(TimeSpan.FromSeconds(60));
        }

        var declared = fleet.Incidents.SelectMany(i => i.Fires).ToList();
        var expected = declared.SelectMany(a => new[] { (a.RuleId, a.DedupKey, "Alert"), (a.RuleId, a.DedupKey, "Resolved") }).Order().ToList();
        await Eventually.Until(() => p.Receiver.LogEntries.Count() >= expected.Count, TimeSpan.FromSeconds(120), $"{expected.Count} notifications");
        await Eventually.Until(() => p.Streams.Counters.Samples >= metrics, TimeSpan.FromSeconds(60), $"the topology to evaluate all {metrics} records");
        await Eventually.Until(() => p.Streams.Counters.Firing + p.Streams.Counters.Resolved + p.Streams.Counters.OtherEvents == p.Sink.Stats.Consumed && p.Sink.Stats.InFlight == 0,
            TimeSpan.FromSeconds(30), "the sink to finish every alert event");
        await p.StopSinkAsync();

        var bodies = p.Receiver.LogEntries.Select(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement).ToList();
        var ids = bodies.Select(b => b.GetProperty("message_id").GetString()!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var received = bodies.Select(b => (b.GetProperty("alert_name").GetString()!, AlertId(b), b.GetProperty("subject").GetString()!.Split(':')[0])).Order().ToList();
        Assert.Equal(expected, received);

        // The very events the offline engine raises for the same records, ids included: the topology judged them alike.
        var book = new RuleBook();
        foreach (var rule in p.Rules) book.Upsert(CompiledRule.Compile(rule));
        var predicted = new List<string>();
        new BacktestRunner(book, new BacktestOptions { TickInterval = DevRules.FleetInterval })
            .Run(ticks.SelectMany(t => t.Metrics.Append(HeartbeatSamples.ToMetric(t.Heartbeat))), e => predicted.Add(e.EventId));
        Assert.Equal(predicted.Order(), ids.Order());
    }

    /// <summary>The alert's dedup key, as the notification's "Alert id:" line gives it.</summary>
    private static string AlertId(JsonElement body) =>
        body.GetProperty("body_text").GetString()!.Split('\n').Single(l => l.StartsWith("Alert id:", StringComparison.Ordinal))["Alert id:".Length..].Trim();

    [Fact]
    public async Task The_notification_body_has_exactly_the_documented_fields_and_values()
    {
        await using var p = await RunningPipeline.StartAsync(partitions: 1, status: 200);
        var (clients, receiver) = (p.Clients, p.Receiver);

        var m = new Metric
        {
            Timestamp = T0,
            DatabaseType = "postgresql",
            InstanceId = "prod-db-01",
            MetricName = "pg_replication_replay_lag_seconds",
            Value = 395.5,
            Tags = new Dictionary<string, string> { ["environment"] = "production", ["region"] = "us-east-1" },
        };
        using (var producer = new ProducerBuilder<string, byte[]>(clients.ProducerConfig("e2e")).Build())
        {
            // pg-replica-lag holds for 5m, 10 s time-scaled: two samples 10 s apart fire it.
            await producer.ProduceAsync("gds.metrics.postgresql.production", new Message<string, byte[]> { Key = m.InstanceId, Value = GdsJson.Serialize(m) });
            await producer.ProduceAsync("gds.metrics.postgresql.production", new Message<string, byte[]> { Key = m.InstanceId, Value = GdsJson.Serialize(m with { Timestamp = T0.AddSeconds(10) }) });
        }
        await Eventually.Until(() => receiver.LogEntries.Any(), TimeSpan.FromSeconds(60), "one notification");
        await p.StopSinkAsync();

        var body = JsonDocument.Parse(receiver.LogEntries.Single().RequestMessage.Body!).RootElement;
        Assert.Equal(
            ["alert_name", "body_text", "db_instance_id", "labels", "message_id", "routing_key", "runbook_url", "severity", "subject"],
            body.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal("pg-replica-lag", body.GetProperty("alert_name").GetString());
        Assert.Equal("prod-db-01", body.GetProperty("db_instance_id").GetString());
        Assert.Equal("CRITICAL", body.GetProperty("severity").GetString());
        Assert.Equal("dba-oncall", body.GetProperty("routing_key").GetString());
        Assert.Equal("https://runbooks.example.com/postgresql/replication-lag", body.GetProperty("runbook_url").GetString());
        Assert.StartsWith("Alert: Standby prod-db-01 replays 395.5 s behind", body.GetProperty("subject").GetString());
        Assert.Equal(EventIds.For("pg-replica-lag:prod-db-01:pg_replication_replay_lag_seconds", "firing", T0, 0), body.GetProperty("message_id").GetString());
        var labels = body.GetProperty("labels");
        Assert.Equal("dba", labels.GetProperty("team").GetString());
        Assert.Equal("us-east-1", labels.GetProperty("region").GetString());
        Assert.Contains("395.5", body.GetProperty("body_text").GetString());
    }
}
