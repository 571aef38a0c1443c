using static Gds.Topology.Tests.Support.EmbeddedAlerts;

namespace Gds.Topology.Tests;

/// <summary>Several stream threads share the tasks of one application: every alert once, none lost.</summary>
public class StreamThreadsTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Two_stream_threads_split_the_partitions_and_each_instance_alerts_exactly_once()
    {
        // As on a real broker (group.initial.rebalance.delay.ms), the group waits for both threads to join before
        // its first assignment; without it the second thread's join moves tasks the first one is still opening.
        using var broker = EmbeddedBroker.Start(initialRebalanceDelay: TimeSpan.FromSeconds(2));
        const int partitions = 4;
        await new EmbeddedTopicCreator(broker).EnsureAsync(TopicCatalog.Standard(partitions).Concat(AlertingTopology.InternalTopics("gds-streams", partitions)));
        var clients = new KafkaClientFactory(broker.BootstrapServers);
        using var producer = new ProducerBuilder<string, byte[]?>(clients.ProducerConfig("test")).Build();
        var rule = TopologyFixture.ConnectionsRule("conn-now");
        await producer.ProduceAsync(TopicNames.Rules, new Message<string, byte[]?> { Key = rule.Id, Value = GdsJson.Serialize(rule) });

        await using var host = new StreamsHost(new StreamsHostOptions
        {
            BootstrapServers = broker.BootstrapServers,
            StateDir = Path.Combine(Path.GetTempPath(), $"gds-threads-{Guid.NewGuid():N}"),
            MetricTopics = [MetricTopic],
            StreamThreads = 2,
            SessionTimeout = TimeSpan.FromSeconds(6),
        }, new EmbeddedTopicCreator(broker));
        await host.StartAsync();
        await host.WaitUntilRunningAsync(TimeSpan.FromSeconds(60));

        // 40 instances over the 4 partitions: each breaches twice (one alert), then recovers (one resolve).
        var instances = Enumerable.Range(0, 40).Select(i => $"db-{i:00}").ToList();
        foreach (var (value, at) in new[] { (0.95, T0), (0.97, T0.AddSeconds(30)), (0.10, T0.AddSeconds(60)) })
            foreach (var instance in instances)
                producer.Produce(MetricTopic, ConnectionsSample(instance, value, at));
        producer.Flush(TimeSpan.FromSeconds(10));
        await Eventually(() => host.Counters.Resolved >= instances.Count, "every instance to resolve");

        var events = ReadAll(clients);
        foreach (var instance in instances)
            Assert.Equal([AlertStatus.Firing, AlertStatus.Resolved], events.Where(e => e.InstanceId == instance).OrderBy(e => e.EventTime).Select(e => e.Status));
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(instances.Count, host.Counters.Firing);
    }
}
