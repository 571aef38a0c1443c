using Gds.Contracts.Silences;
using static Gds.Topology.Tests.Support.EmbeddedAlerts;

namespace Gds.Topology.Tests;

/// <summary>Silences, acks and escalation timers live in stores with changelogs: a restart keeps all three.</summary>
public class HygieneRestartTests
{
    private const string Topic = MetricTopic;
    private const int Partitions = 2;

    [Fact]
    public async Task Silences_acks_and_escalation_timers_survive_a_restart()
    {
        using var broker = EmbeddedBroker.Start();
        var topics = new EmbeddedTopicCreator(broker);
        await topics.EnsureAsync(TopicCatalog.Standard(Partitions).Concat(AlertingTopology.InternalTopics("gds-streams", Partitions)));
        var clients = new KafkaClientFactory(broker.BootstrapServers);
        using var producer = new ProducerBuilder<string, byte[]?>(clients.ProducerConfig("test")).Build();
        var now = DateTimeOffset.UtcNow;

        var rule = TopologyFixture.ConnectionsRule("conn") with
        {
            Escalation = [new EscalationStep { After = "15s", Severity = Severities.Critical, RoutingKey = "dba-managers" }],
        };
        await producer.ProduceAsync(TopicNames.Rules, new Message<string, byte[]?> { Key = rule.Id, Value = GdsJson.Serialize(rule) });
        await producer.ProduceAsync(TopicNames.Silences, new Message<string, byte[]?>
        {
            Key = "s1",
            Value = GdsJson.Serialize(new Silence { Id = "s1", Matchers = ["instance_id=db-silenced"], StartsAt = now.AddMinutes(-1), EndsAt = now.AddHours(1), CreatedBy = "alice", CreatedAt = now }),
        });

        Task Sample(string instance, double v, DateTimeOffset at) => producer.ProduceAsync(Topic, ConnectionsSample(instance, v, at));

        await using (var first = Host(broker))
        {
            await first.StartAsync();
            await first.WaitUntilRunningAsync(TimeSpan.FromSeconds(60));
            await Sample("db-acked", 0.95, now);
            await Sample("db-waiting", 0.95, now);
            await Eventually(() => first.Counters.Firing == 2, "two alerts to fire");
            var dedup = "conn:db-acked:pg_connections_used_ratio";
            await producer.ProduceAsync(new TopicPartition(TopicNames.AlertAcks, KeyPartitioner.PartitionFor("db-acked", Partitions)),
                new Message<string, byte[]?> { Key = dedup, Value = GdsJson.Serialize(new Ack { AlertId = dedup, InstanceId = "db-acked", By = "bob", At = DateTimeOffset.UtcNow }) });
            await Eventually(() => first.Counters.OtherEvents >= 1, "the acknowledged event");
        }

        await using (var second = Host(broker))
        {
            await second.StartAsync();
            await second.WaitUntilRunningAsync(TimeSpan.FromSeconds(60));
            await Sample("db-silenced", 0.95, DateTimeOffset.UtcNow);
            // The escalation timer started in the first life: it comes due in this one, for db-waiting only.
            await Eventually(() => second.Counters.OtherEvents >= 1, "the escalation");
        }

        var events = ReadAll(clients);
        var escalated = Assert.Single(events, e => e.Status == AlertStatus.Escalated);
        Assert.Equal("db-waiting", escalated.InstanceId);
        Assert.Equal("dba-managers", escalated.RoutingKey);
        Assert.Single(events, e => e.Status == AlertStatus.Acknowledged && e.InstanceId == "db-acked");
        Assert.DoesNotContain(events, e => e.InstanceId == "db-acked" && e.Status == AlertStatus.Escalated);
        var silenced = Assert.Single(events, e => e.InstanceId == "db-silenced");
        Assert.Equal(["s1"], silenced.SilencedBy!);
        Assert.Equal(2, events.Count(e => e.Status == AlertStatus.Firing && e.ShouldNotify));
    }

    private static StreamsHost Host(EmbeddedBroker broker) => new(new StreamsHostOptions
    {
        BootstrapServers = broker.BootstrapServers,
        StateDir = Path.Combine(Path.GetTempPath(), $"gds-hygiene-restart-{Guid.NewGuid():N}"),
        MetricTopics = [Topic],
        SessionTimeout = TimeSpan.FromSeconds(6),
    }, new EmbeddedTopicCreator(broker));
}
