using Gds.Contracts.Topics;
using Gds.Kafka.Admin;
using Gds.Kafka.Admin.Apply;
using Gds.Kafka.Clients;
using Gds.Kafka.Embedded;

namespace Gds.Kafka.Tests.Apply;

/// <summary>
/// The applier against the embedded broker: it reads the broker's real metadata, and since the mock cluster has no
/// CreateTopics, what it creates goes through the mock's own API (<see cref="EmbeddedCreation"/>).
/// </summary>
public sealed class TopicApplierTests : IDisposable
{
    private readonly EmbeddedBroker _broker = EmbeddedBroker.Start();
    private readonly KafkaTopicCluster _kafka;

    public TopicApplierTests() => _kafka = new KafkaTopicCluster(new KafkaClientFactory(_broker.BootstrapServers), TimeSpan.FromSeconds(10));

    private Task<ApplyReport> Apply(int? partitions = 3, params string[] environments) =>
        new TopicApplier(new EmbeddedCreation(_kafka, _broker)).ApplyAsync(new TopicRequest(partitions, null, environments.Length > 0 ? environments : ["production"]));

    [Fact]
    public async Task A_first_run_creates_what_is_missing_and_a_second_run_changes_nothing()
    {
        _broker.CreateTopic(TopicNames.Rules, 1);

        var first = await Apply();
        Assert.Equal(TopicOutcome.Present, first.Topics.Single(t => t.Name == TopicNames.Rules).Outcome);
        var created = first.Topics.Where(t => t.Outcome == TopicOutcome.Created).Select(t => t.Name).ToList();
        Assert.Equal(TopicCatalog.Standard(3, ["production"]).Select(t => t.Name).Where(n => n != TopicNames.Rules).Order(), created.Order());
        Assert.Equal("created  gds.alerts: 3 partitions, cleanup.policy=delete, retention.ms=2592000000", first.Topics.Single(t => t.Name == TopicNames.Alerts).Line);
        Assert.Equal(3, Partitions(TopicNames.Alerts));

        var second = await Apply();
        Assert.All(second.Topics, t => Assert.Equal(TopicOutcome.Present, t.Outcome));
        Assert.Equal(first.Topics.Count, second.Topics.Count);
        // The mock cluster has no DescribeConfigs: said once, not hidden.
        Assert.StartsWith("config not checked: the broker did not answer DescribeConfigs", second.ConfigNote);
    }

    [Fact]
    public async Task A_topic_with_fewer_partitions_differs_and_is_left_as_it_is()
    {
        _broker.CreateTopic(TopicNames.Alerts, 1);
        var report = await Apply();
        var alerts = report.Topics.Single(t => t.Name == TopicNames.Alerts);
        Assert.Equal("differs  gds.alerts: 1 partition, fewer than the 3 asked", alerts.Line);
        Assert.Equal(1, Partitions(TopicNames.Alerts));
    }

    [Fact]
    public async Task Without_a_partition_count_a_new_environment_gets_the_partitions_of_the_metric_topics_already_there()
    {
        _broker.CreateTopic(TopicNames.Metrics("postgresql", "production"), 4);
        _broker.CreateTopic(TopicNames.Metrics("postgresql", "legacy"), 4);
        var report = await Apply(partitions: null, "production", "staging");
        Assert.Equal(4, report.Partitions);
        Assert.Equal(4, Partitions(TopicNames.Metrics("mongodb", "staging")));
        Assert.Equal(4, Partitions(TopicNames.AlertAcks));
        // Metric topics of an environment not asked for are checked, never ignored.
        Assert.Equal(TopicOutcome.Present, report.Topics.Single(t => t.Name == "gds.metrics.postgresql.legacy").Outcome);
    }

    private int Partitions(string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _broker.BootstrapServers }).Build();
        return admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Single(t => t.Topic == topic).Partitions.Count;
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _broker.Dispose();
    }

    private sealed class EmbeddedCreation(KafkaTopicCluster kafka, EmbeddedBroker broker) : ITopicCluster
    {
        public Task<IReadOnlyList<ObservedTopic>> ListAsync(CancellationToken ct) => kafka.ListAsync(ct);

        public Task<TopicConfigs> DescribeConfigsAsync(IReadOnlyCollection<string> topics, CancellationToken ct) => kafka.DescribeConfigsAsync(topics, ct);

        public Task<IReadOnlyList<TopicCreation>> CreateAsync(IReadOnlyList<TopicSpec> topics, int? replicationFactor, CancellationToken ct)
        {
            foreach (var t in topics) broker.CreateTopic(t.Name, t.Partitions, replicationFactor ?? 1);
            return Task.FromResult<IReadOnlyList<TopicCreation>>(topics.Select(t => new TopicCreation(t.Name, true)).ToList());
        }
    }
}

/// <summary>What the applier does with a broker that answers DescribeConfigs and CreateTopics as a real one does.</summary>
public sealed class TopicApplierConfigTests
{
    [Fact]
    public async Task A_compacted_topic_that_deletes_is_reported_and_a_refused_creation_is_missing()
    {
        var cluster = new ScriptedCluster(
            [new ObservedTopic(TopicNames.Rules, 1, 3), new ObservedTopic(TopicNames.Alerts, 6, 3)],
            new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                [TopicNames.Rules] = new Dictionary<string, string> { ["cleanup.policy"] = "delete", ["retention.ms"] = "604800000" },
                [TopicNames.Alerts] = new Dictionary<string, string> { ["cleanup.policy"] = "delete", ["retention.ms"] = "2592000000" },
            });
        var report = await new TopicApplier(cluster).ApplyAsync(new TopicRequest(6, 3, ["production"]));

        Assert.Null(report.ConfigNote);
        Assert.Equal("differs  gds.rules: cleanup.policy delete, not compact", report.Topics.Single(t => t.Name == TopicNames.Rules).Line);
        Assert.Equal(TopicOutcome.Present, report.Topics.Single(t => t.Name == TopicNames.Alerts).Outcome);
        Assert.Equal("missing  gds.silences: not created: CreateTopics failed: not authorized", report.Topics.Single(t => t.Name == TopicNames.Silences).Line);
        Assert.DoesNotContain(TopicNames.Rules, cluster.AskedToCreate);
        Assert.DoesNotContain(TopicNames.Alerts, cluster.AskedToCreate);
        Assert.Equal([3], cluster.ReplicationFactors.Distinct());
    }

    private sealed class ScriptedCluster(IReadOnlyList<ObservedTopic> topics, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> configs) : ITopicCluster
    {
        public List<string> AskedToCreate { get; } = [];
        public List<int?> ReplicationFactors { get; } = [];

        public Task<IReadOnlyList<ObservedTopic>> ListAsync(CancellationToken ct) => Task.FromResult(topics);

        public Task<TopicConfigs> DescribeConfigsAsync(IReadOnlyCollection<string> names, CancellationToken ct) =>
            Task.FromResult(new TopicConfigs(configs.Where(c => names.Contains(c.Key)).ToDictionary(), null));

        public Task<IReadOnlyList<TopicCreation>> CreateAsync(IReadOnlyList<TopicSpec> specs, int? replicationFactor, CancellationToken ct)
        {
            AskedToCreate.AddRange(specs.Select(s => s.Name));
            ReplicationFactors.Add(replicationFactor);
            return Task.FromResult<IReadOnlyList<TopicCreation>>(specs.Select(s => s.Name == TopicNames.Silences
                ? new TopicCreation(s.Name, false, "CreateTopics failed: not authorized")
                : new TopicCreation(s.Name, true)).ToList());
        }
    }
}
