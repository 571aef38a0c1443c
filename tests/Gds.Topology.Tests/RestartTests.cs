using static Gds.Topology.Tests.Support.EmbeddedAlerts;

namespace Gds.Topology.Tests;

/// <summary>The topology on the embedded broker, stopped and started again: state comes back from the changelog.</summary>
public class RestartTests
{
    private const string Topic = MetricTopic;
    private static readonly DateTimeOffset T0 = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_restart_neither_repeats_a_firing_alert_nor_forgets_a_pending_timer()
    {
        using var broker = EmbeddedBroker.Start();
        var topics = new EmbeddedTopicCreator(broker);
        await topics.EnsureAsync(TopicCatalog.Standard(2).Concat(AlertingTopology.InternalTopics("gds-streams", 2)));
        var clients = new KafkaClientFactory(broker.BootstrapServers);
        using var producer = new ProducerBuilder<string, byte[]?>(clients.ProducerConfig("test")).Build();

        var firingRule = TopologyFixture.ConnectionsRule("conn-now");
        var pendingRule = TopologyFixture.ConnectionsRule("conn-2m", @for: "2m");
        foreach (var r in new[] { firingRule, pendingRule })
            await producer.ProduceAsync(TopicNames.Rules, new Message<string, byte[]?> { Key = r.Id, Value = GdsJson.Serialize(r) });

        async Task Sample(string instance, double v, DateTimeOffset at) => await producer.ProduceAsync(Topic, ConnectionsSample(instance, v, at));

        // First life: db-01 fires "conn-now" and starts the 2-minute timer of "conn-2m".
        await using (var first = Host(broker, "first"))
        {
            await first.StartAsync();
            await first.WaitUntilRunningAsync(TimeSpan.FromSeconds(60));
            await Sample("db-01", 0.95, T0);
            await Sample("db-01", 0.96, T0.AddSeconds(60));
            await Eventually(() => first.Counters.Firing == 1, "the first firing event");
        }

        // Second life, on a fresh state directory: everything must come back from the changelog.
        await using (var second = Host(broker, "second"))
        {
            await second.StartAsync();
            await second.WaitUntilRunningAsync(TimeSpan.FromSeconds(60));
            await Sample("db-01", 0.97, T0.AddSeconds(90));   // still firing: no new event for conn-now
            await Sample("db-01", 0.97, T0.AddSeconds(120));  // 2 minutes since T0: conn-2m fires now
            await Sample("db-01", 0.10, T0.AddSeconds(150));  // both resolve
            await Eventually(() => second.Counters.Resolved == 2, "both alerts to resolve");
        }

        var events = ReadAll(clients).OrderBy(e => e.EventTime).ThenBy(e => e.RuleId).ToList();
        Assert.Equal(4, events.Count);
        Assert.Equal(4, events.Select(e => e.EventId).Distinct().Count());
        var now = events.Where(e => e.RuleId == "conn-now").ToList();
        Assert.Equal([AlertStatus.Firing, AlertStatus.Resolved], now.Select(e => e.Status));
        var timed = events.Where(e => e.RuleId == "conn-2m").ToList();
        Assert.Equal([AlertStatus.Firing, AlertStatus.Resolved], timed.Select(e => e.Status));
        Assert.Equal(T0, timed[0].StartsAt);
        Assert.Equal(T0.AddSeconds(120), timed[0].EventTime);
    }

    private static StreamsHost Host(EmbeddedBroker broker, string life) => new(new StreamsHostOptions
    {
        BootstrapServers = broker.BootstrapServers,
        StateDir = Path.Combine(Path.GetTempPath(), $"gds-restart-{life}-{Guid.NewGuid():N}"),
        MetricTopics = [Topic],
        SessionTimeout = TimeSpan.FromSeconds(6),
    }, new EmbeddedTopicCreator(broker));
}
