using Gds.Topology.Tests.Support;
using Microsoft.Extensions.Logging;
using static Gds.Topology.Tests.Support.EmbeddedAlerts;

namespace Gds.Topology.Tests;

/// <summary>A state directory kept from another cluster (the broker recreated, the topics recreated) is not trusted.</summary>
public class LocalStateTests
{
    private const int Partitions = 2;
    private static readonly DateTimeOffset T0 = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);
    private static readonly List<string> Instances = Enumerable.Range(0, 10).Select(i => $"db-{i:00}").ToList();

    [Fact]
    public async Task A_state_dir_kept_across_a_recreated_broker_is_wiped_with_a_warning_and_every_alert_still_comes()
    {
        var stateDir = Path.Combine(Path.GetTempPath(), $"gds-kept-state-{Guid.NewGuid():N}");
        try
        {
            // First cluster: every instance fires; its state (firing, and what was emitted) is checkpointed locally.
            using (var broker = await BrokerWithRuleAsync())
            {
                var events = await FireEveryInstanceAsync(broker, stateDir, new ListLogger());
                Assert.Equal(Instances.Count, events.Count(e => e.Status == AlertStatus.Firing));
            }
            Assert.NotEmpty(Directory.GetFiles(stateDir, ".checkpoint", SearchOption.AllDirectories));

            // A new cluster, same topics, same input, same state dir: the stale stores must not hide the alerts.
            using (var broker = await BrokerWithRuleAsync())
            {
                var logs = new ListLogger();
                var events = await FireEveryInstanceAsync(broker, stateDir, logs);
                Assert.Equal(Instances.Order(), events.Where(e => e.Status == AlertStatus.Firing).Select(e => e.InstanceId).Order());
                var warnings = logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Category.EndsWith("LocalStateCheck", StringComparison.Ordinal)).Select(e => e.Text).ToList();
                Assert.Contains(warnings, w => w.StartsWith("state store alert-state partition 0: checkpoint at offset", StringComparison.Ordinal) && w.Contains("beyond the end of gds-streams-alert-state-changelog-0 (0)"));
                Assert.Contains(warnings, w => w.StartsWith("state store alert-emitted partition 1:", StringComparison.Ordinal));
                Assert.All(warnings, w => Assert.Contains("wiping the local copy", w));
            }
        }
        finally
        {
            try { Directory.Delete(stateDir, true); } catch (IOException) { }
        }
    }

    private static async Task<EmbeddedBroker> BrokerWithRuleAsync()
    {
        var broker = EmbeddedBroker.Start();
        await new EmbeddedTopicCreator(broker).EnsureAsync(TopicCatalog.Standard(Partitions).Concat(AlertingTopology.InternalTopics("gds-streams", Partitions)));
        using var producer = new ProducerBuilder<string, byte[]?>(new KafkaClientFactory(broker.BootstrapServers).ProducerConfig("test")).Build();
        var rule = TopologyFixture.ConnectionsRule("conn-now");
        await producer.ProduceAsync(TopicNames.Rules, new Message<string, byte[]?> { Key = rule.Id, Value = GdsJson.Serialize(rule) });
        return broker;
    }

    /// <summary>Runs the topology over two breaching samples of every instance on both partitions; returns gds.alerts.</summary>
    private static async Task<List<AlertEvent>> FireEveryInstanceAsync(EmbeddedBroker broker, string stateDir, ListLogger logs)
    {
        var clients = new KafkaClientFactory(broker.BootstrapServers);
        await using (var host = new StreamsHost(new StreamsHostOptions
        {
            BootstrapServers = broker.BootstrapServers, StateDir = stateDir, MetricTopics = [MetricTopic], SessionTimeout = TimeSpan.FromSeconds(6),
        }, new EmbeddedTopicCreator(broker), logs))
        {
            await host.StartAsync();
            await host.WaitUntilRunningAsync(TimeSpan.FromSeconds(60));
            using var producer = new ProducerBuilder<string, byte[]?>(clients.ProducerConfig("test")).Build();
            foreach (var at in new[] { T0, T0.AddSeconds(30) })
                foreach (var i in Instances)
                    producer.Produce(MetricTopic, ConnectionsSample(i, 0.95, at));
            producer.Flush(TimeSpan.FromSeconds(10));
            await Eventually(() => host.Counters.Samples >= 2 * Instances.Count, "every sample to be evaluated");
        }
        return ReadAll(clients);
    }
}
