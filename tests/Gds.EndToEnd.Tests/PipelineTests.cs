using System.Text.Json;
using Confluent.Kafka;
using Gds.Alerting.Events;
using Gds.Alerting.Rules;
using Gds.Cli.Dev;
using Gds.Contracts.Metrics;
using Gds.Contracts.Serialization;
using Gds.Contracts.Topics;
using Gds.Kafka.Clients;

namespace Gds.EndToEnd.Tests;

public class PipelineTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Generated_fleet_data_yields_exactly_the_predicted_notifications_once_each()
    {
        await using var p = await RunningPipeline.StartAsync(partitions: 3, status: 202);
        var (clients, rules, receiver, streams, sink) = (p.Clients, p.Rules, p.Receiver, p.Streams, p.Sink);

        // 130 simulated seconds: every scripted incident starts and most of them end.
        var fleet = new SyntheticFleet(instancesPerType: 3, seed: 7);
        var samples = Enumerable.Range(0, 130).SelectMany(t => fleet.Sample(T0.AddSeconds(t), TimeSpan.FromSeconds(t), t)).ToList();
        using (var producer = new ProducerBuilder<string, byte[]>(clients.ProducerConfig("e2e")).Build())
        {
            foreach (var m in samples)
                producer.Produce(TopicNames.Metrics(m.DatabaseType, m.Environment), new Message<string, byte[]> { Key = m.InstanceId, Value = GdsJson.Serialize(m) });
            producer.Flush(TimeSpan.FromSeconds(30));
        }

        var expected = ExpectedAlerts.Compute(rules.Rules, samples);
        Assert.Contains(expected, e => e.Status == "resolved");
        Assert.True(expected.Count >= 8, $"the scenario should exercise several rules, got {expected.Count}");

        await Eventually.Until(() => receiver.LogEntries.Count() >= expected.Count, TimeSpan.FromSeconds(90), $"{expected.Count} notifications");
        await Eventually.Until(() => streams.Counters.Firing + streams.Counters.Resolved == sink.Stats.Consumed && sink.Stats.InFlight == 0,
            TimeSpan.FromSeconds(30), "the sink to finish every alert event");
        await p.StopSinkAsync();

        var bodies = receiver.LogEntries.Select(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement).ToList();
        var ids = bodies.Select(b => b.GetProperty("message_id").GetString()!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());

        var predictedIds = expected.Select(e => EventIds.For(DedupKeys.For(e.RuleId, e.InstanceId, e.Metric), e.Status, e.StartsAt, 0)).Order().ToList();
        Assert.Equal(predictedIds, ids.Order().ToList());

        var summary = bodies.Select(b => (b.GetProperty("alert_name").GetString(), b.GetProperty("db_instance_id").GetString(), b.GetProperty("subject").GetString()!.Split(':')[0]))
            .OrderBy(x => x).ToList();
        var want = expected.Select(e => ((string?)e.RuleId, (string?)e.InstanceId, e.Status == "firing" ? "Alert" : "Resolved")).OrderBy(x => x).ToList();
        Assert.Equal(want, summary);
    }

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
            Value = 95.5,
            Tags = new Dictionary<string, string> { ["environment"] = "production", ["region"] = "us-east-1" },
        };
        using (var producer = new ProducerBuilder<string, byte[]>(clients.ProducerConfig("e2e")).Build())
        {
            // for: 5s — two samples 5 s apart fire the rule.
            await producer.ProduceAsync("gds.metrics.postgresql.production", new Message<string, byte[]> { Key = m.InstanceId, Value = GdsJson.Serialize(m) });
            await producer.ProduceAsync("gds.metrics.postgresql.production", new Message<string, byte[]> { Key = m.InstanceId, Value = GdsJson.Serialize(m with { Timestamp = T0.AddSeconds(5) }) });
        }
        await Eventually.Until(() => receiver.LogEntries.Any(), TimeSpan.FromSeconds(60), "one notification");
        await p.StopSinkAsync();

        var body = JsonDocument.Parse(receiver.LogEntries.Single().RequestMessage.Body!).RootElement;
        Assert.Equal(
            ["alert_name", "body_text", "db_instance_id", "labels", "message_id", "routing_key", "runbook_url", "severity", "subject"],
            body.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal("pg-replication-lag", body.GetProperty("alert_name").GetString());
        Assert.Equal("prod-db-01", body.GetProperty("db_instance_id").GetString());
        Assert.Equal("CRITICAL", body.GetProperty("severity").GetString());
        Assert.Equal("dba-oncall", body.GetProperty("routing_key").GetString());
        Assert.Equal("https://runbooks.example.com/pg-replication-lag", body.GetProperty("runbook_url").GetString());
        Assert.StartsWith("Alert: Replica prod-db-01 is 95.5s behind its primary", body.GetProperty("subject").GetString());
        Assert.Equal(EventIds.For("pg-replication-lag:prod-db-01:pg_replication_replay_lag_seconds", "firing", T0, 0), body.GetProperty("message_id").GetString());
        var labels = body.GetProperty("labels");
        Assert.Equal("dba", labels.GetProperty("team").GetString());
        Assert.Equal("us-east-1", labels.GetProperty("region").GetString());
        Assert.Contains("95.5", body.GetProperty("body_text").GetString());
    }
}
