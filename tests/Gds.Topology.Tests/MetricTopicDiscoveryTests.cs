using Gds.Contracts.Metrics;
using Gds.Topology.Tests.Support;
using static Gds.Topology.Tests.Support.EmbeddedAlerts;

namespace Gds.Topology.Tests;

/// <summary>`gds streams` on a cluster that has no metric topic yet, and gains one environment after another.</summary>
public class MetricTopicDiscoveryTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);
    private static readonly string Production = TopicNames.Metrics("postgresql", "production");
    private static readonly string Staging = TopicNames.Metrics("postgresql", "staging");

    [Fact]
    public async Task The_host_waits_for_a_metric_topic_then_alerts_on_it_and_on_a_new_environment_without_a_restart()
    {
        using var broker = EmbeddedBroker.Start();
        var topics = new EmbeddedTopicCreator(broker);
        await topics.EnsureAsync(TopicCatalog.Standard(2).Where(t => !TopicNames.IsMetricsTopic(t.Name))
            .Concat(AlertingTopology.InternalTopics("gds-streams", 2)));
        var clients = new KafkaClientFactory(broker.BootstrapServers);
        using var producer = new ProducerBuilder<string, byte[]?>(clients.ProducerConfig("test")).Build();
        foreach (var env in new[] { "production", "staging" })
        {
            var rule = TopologyFixture.ConnectionsRule("conn-" + env) with { Selector = new RuleSelector { Metric = "pg_connections_used_ratio", DatabaseType = "postgresql", Environment = env } };
            await producer.ProduceAsync(TopicNames.Rules, new Message<string, byte[]?> { Key = rule.Id, Value = GdsJson.Serialize(rule) });
        }

        var logs = new ListLogger();
        await using var host = new StreamsHost(new StreamsHostOptions
        {
            BootstrapServers = broker.BootstrapServers,
            StateDir = Path.Combine(Path.GetTempPath(), $"gds-discovery-{Guid.NewGuid():N}"),
            SessionTimeout = TimeSpan.FromSeconds(6),
            MetricTopicCheckInterval = TimeSpan.FromMilliseconds(250),
        }, topics, logs);
        var waiting = $"waiting for a gds.metrics.* topic on {broker.BootstrapServers}";

        var start = host.StartAsync();
        await Eventually(() => logs.Entries.Any(e => e.Text == waiting), "the host to say it waits", 30);
        Assert.False(start.IsCompleted, "the host must wait for a metric topic, not fail or start without one");

        broker.CreateTopic(Production, 2);
        await start.WaitAsync(TimeSpan.FromSeconds(30));
        await host.WaitUntilRunningAsync(TimeSpan.FromSeconds(60));
        await producer.ProduceAsync(Production, Sample("pg-prod-01", "production"));
        await Eventually(() => host.Counters.Firing == 1, "the production sample to fire");

        broker.CreateTopic(Staging, 2);
        broker.CreateTopic(TopicNames.Metrics("mongodb", "qa"), 3);
        await producer.ProduceAsync(Staging, Sample("pg-staging-01", "staging"));
        await Eventually(() => logs.Entries.Any(e => e.Text == $"new metric topic {Staging}: subscribing"), "the host to subscribe to the new environment", 30);
        await Eventually(() => host.Counters.Firing == 2, "the staging sample to fire");

        Assert.Equal(0, host.Restarts);
        // The replaced stream kept its state: production's alert was not sent again when the stream re-read its topic.
        Assert.Equal(["conn-production", "conn-staging"], ReadAll(clients).Select(e => e.RuleId).Order());
        Assert.Single(logs.Entries, e => e.Text == waiting);
        Assert.Equal([Production, Staging], host.MetricTopics);
        // Another partition count cannot be co-partitioned with the others: said, and left out.
        Assert.Contains(logs.Entries, e => e.Text.StartsWith("new metric topic gds.metrics.mongodb.qa has 3 partitions, the others 2: not subscribing", StringComparison.Ordinal));
    }

    private static Message<string, byte[]?> Sample(string instance, string environment) => new()
    {
        Key = instance,
        Value = GdsJson.Serialize(new Metric
        {
            Timestamp = T0, DatabaseType = "postgresql", InstanceId = instance, MetricName = "pg_connections_used_ratio", Value = 0.95,
            Tags = new Dictionary<string, string> { ["environment"] = environment },
        }),
    };
}
