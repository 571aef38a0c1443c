using Gds.Contracts.Heartbeats;
using Gds.Contracts.Serialization;
using Gds.Contracts.Topics;
using Gds.Kafka.Clients;
using Gds.Kafka.Embedded;
using Gds.Monitor.Publishing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gds.Monitor.Tests.Publishing;

/// <summary>The Kafka publisher and its spool on the embedded broker, including outages made with rd_kafka_mock_broker_set_down.</summary>
public sealed class KafkaMetricPublisherTests : IDisposable
{
    private const string Topic = "gds.metrics.postgresql.test";
    private const int Partitions = 3;
    private readonly EmbeddedBroker _broker = EmbeddedBroker.Start();
    private readonly string _spoolDir = Path.Combine(Path.GetTempPath(), "gds-spool-test-" + Guid.NewGuid().ToString("N"));
    private readonly CapturedLogs _logs = new();

    public KafkaMetricPublisherTests()
    {
        _broker.CreateTopic(Topic, Partitions);
        _broker.CreateTopic(TopicNames.Heartbeats, 1);
    }

    public void Dispose()
    {
        _broker.Dispose();
        if (Directory.Exists(_spoolDir)) Directory.Delete(_spoolDir, recursive: true);
    }

    private KafkaMetricPublisher Publisher(int maxInFlight = 10_000, long maxBytes = 64L * 1024 * 1024, long segmentBytes = 64 * 1024) =>
        new(new KafkaClientFactory(_broker.BootstrapServers), Options.Create(new PublisherOptions
        {
            SpoolDirectory = _spoolDir,
            MaxInFlight = maxInFlight,
            SpoolMaxBytes = maxBytes,
            SpoolSegmentBytes = segmentBytes,
            ReconnectBackoffMax = TimeSpan.FromMilliseconds(300),
        }), _logs.Factory().CreateLogger<KafkaMetricPublisher>());

    private static Metric Sample(string instance, string name, double value) => new()
    {
        Timestamp = DateTimeOffset.UtcNow,
        DatabaseType = "postgresql",
        InstanceId = instance,
        MetricName = name,
        Value = value,
        Tags = new Dictionary<string, string> { ["environment"] = "test" },
    };

    [Fact]
    public async Task Samples_arrive_as_metric_json_keyed_by_instance_on_their_type_and_environment_topic()
    {
        await using (var publisher = Publisher())
        {
            await publisher.PublishAsync(Sample("db-1", "pg_connections_used", 12));
            await publisher.PublishAsync([Sample("db-2", "pg_connections_used", 7), Sample("db-1", "pg_xact_commit_total", 1e6), Sample("db-2", "bad", double.NaN)]);
            Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(20)));
            Assert.Equal(3, publisher.Statistics.Delivered);
            Assert.Equal(1, publisher.Statistics.RejectedNonFinite);
            Assert.Equal(0, publisher.Statistics.Pending);
        }

        var records = TopicReader.ReadAll(_broker.BootstrapServers, Topic, Partitions, 3, TimeSpan.FromSeconds(20));
        Assert.Equal(3, records.Count);
        var metrics = records.Select(r => (r.Key, r.Partition, Metric: GdsJson.Deserialize<Metric>(r.Value))).ToList();
        Assert.All(metrics, m => Assert.Equal(m.Key, m.Metric.InstanceId));
        Assert.Single(metrics.Where(m => m.Key == "db-1").Select(m => m.Partition).Distinct());
        Assert.Equal(["pg_connections_used", "pg_xact_commit_total"], metrics.Where(m => m.Key == "db-1").Select(m => m.Metric.MetricName));
        var json = System.Text.Encoding.UTF8.GetString(records[0].Value);
        Assert.Contains("\"database_type\":\"postgresql\"", json);
        Assert.Contains("\"metric_name\":", json);
    }

    [Fact]
    public async Task Brokers_down_during_scrapes_then_back_every_sample_arrives_once_in_order_per_instance()
    {
        var counters = new ConcurrentDictionary<string, int>();
        var collectors = new FakeCollectors();
        var targets = new[] { "db-a", "db-b", "db-c" }
            .Select(id => TestTargets.Make(id, interval: TimeSpan.FromMilliseconds(150), timeout: TimeSpan.FromMilliseconds(100))).ToList();
        foreach (var t in targets)
            collectors.Add(t.Id, _ => Task.FromResult<IReadOnlyList<Sample>>([new Sample("scrape_seq", counters.AddOrUpdate(t.Id, 0, (_, n) => n + 1))]));

        await using var publisher = Publisher(maxInFlight: 5, segmentBytes: 8 * 1024);
        var published = 0;
        await using var host = new CollectorHost(targets, collectors, publisher, publisher,
            new CollectorOptions { FlushTimeout = TimeSpan.FromSeconds(30), HeartbeatInterval = TimeSpan.FromMilliseconds(200) }, _logs.Factory());
        host.Scheduler.Scraped += o => Interlocked.Add(ref published, o.Published);
        using var stop = new CancellationTokenSource();
        var run = host.RunAsync(stop.Token);

        await Eventually.True(() => publisher.Statistics.Delivered >= 30, TimeSpan.FromSeconds(20), "samples delivered before the outage");
        _broker.SetAllBrokersDown();
        var atOutage = publisher.Statistics.Delivered;
        await Eventually.True(() => counters.Values.All(n => n >= 15) && publisher.Statistics.Pending > 50, TimeSpan.FromSeconds(20),
            "scrapes going on during the outage, their samples spooled");
        Assert.True(publisher.Statistics.Delivered - atOutage <= 5, "nothing gets through while every broker is down");
        Assert.True(publisher.Statistics.SpoolBytes > 0);
        Assert.True(Directory.GetFiles(_spoolDir, "*.seg").Length > 1, "the backlog is on disk");
        _broker.SetAllBrokersUp();
        await Eventually.True(() => publisher.Statistics.Pending == 0 || counters.Values.All(n => n >= 25), TimeSpan.FromSeconds(30), "the backlog draining");
        await stop.CancelAsync();
        Assert.True(await run, "every sample acknowledged at shutdown");

        Assert.Equal(0, publisher.Statistics.Pending);
        Assert.Equal(0, publisher.Statistics.DroppedFromSpool);
        Assert.Equal(published, publisher.Statistics.Delivered);
        var records = TopicReader.ReadAll(_broker.BootstrapServers, Topic, Partitions, published, TimeSpan.FromSeconds(30));
        Assert.Equal(published, records.Count);
        var metrics = records.Select(r => GdsJson.Deserialize<Metric>(r.Value)).ToList();
        Assert.Equal(metrics.Count, metrics.Select(m => (m.InstanceId, m.MetricName, m.Metadata!.CorrelationId)).Distinct().Count());
        foreach (var t in targets)
        {
            var seq = metrics.Where(m => m.InstanceId == t.Id && m.MetricName == "scrape_seq").Select(m => (int)m.Value).ToList();
            Assert.Equal(Enumerable.Range(0, counters[t.Id] + 1), seq);
        }
    }

    [Fact]
    public async Task A_full_spool_drops_the_oldest_samples_and_the_next_scrape_publishes_how_many()
    {
        _broker.SetAllBrokersDown();
        long dropped;
        await using (var publisher = Publisher(maxInFlight: 1, maxBytes: 16 * 1024, segmentBytes: 4096))
        {
            for (var i = 0; i < 300; i++) await publisher.PublishAsync(Sample("db-full", "n", i));
            dropped = publisher.Statistics.DroppedFromSpool;
            Assert.True(dropped > 100, $"dropped {dropped}");
            Assert.Equal(dropped, publisher.Statistics.DroppedFromSpoolFor("db-full"));
            Assert.Contains(_logs.Lines, l => l.Contains("spool full") && l.Contains("dropped the oldest segment"));

            var scraper = new TargetScraper(TestTargets.Make("db-full"), new FakeCollectors().Add("db-full", _ => Task.FromResult<IReadOnlyList<Sample>>([])).Create(TestTargets.Make("db-full")),
                publisher, new CollectorOptions(), _logs.Factory().CreateLogger("t"), TimeProvider.System);
            await scraper.ScrapeAsync();
            _broker.SetAllBrokersUp();
            Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(30)));
        }

        var records = TopicReader.ReadAll(_broker.BootstrapServers, Topic, Partitions, int.MaxValue, TimeSpan.FromSeconds(5));
        var metrics = records.Select(r => GdsJson.Deserialize<Metric>(r.Value)).ToList();
        var kept = metrics.Where(m => m.MetricName == "n").Select(m => (int)m.Value).ToList();
        Assert.Equal(300 - dropped, kept.Count);
        // In order; apart from the one sample the producer already held (MaxInFlight = 1), the newest survive.
        Assert.Equal(kept.Order(), kept);
        Assert.Equal(Enumerable.Range(300 - (kept.Count - 1), kept.Count - 1), kept.Skip(1));
        Assert.Equal(dropped, Assert.Single(metrics, m => m.MetricName == CollectorMetrics.SpoolDropped.Name).Value);
    }

    [Fact]
    public async Task Samples_still_spooled_at_shutdown_are_sent_by_the_next_process()
    {
        _broker.SetAllBrokersDown();
        await using (var publisher = Publisher(maxInFlight: 5))
        {
            for (var i = 0; i < 40; i++) await publisher.PublishAsync(Sample("db-restart", "n", i));
            Assert.False(await publisher.FlushAsync(TimeSpan.FromMilliseconds(300)));
        }
        _broker.SetAllBrokersUp();
        await using (var next = Publisher())
        {
            Assert.Equal(40, next.Statistics.Pending);
            Assert.True(await next.FlushAsync(TimeSpan.FromSeconds(30)));
        }
        var values = TopicReader.ReadAll(_broker.BootstrapServers, Topic, Partitions, 40, TimeSpan.FromSeconds(20))
            .Select(r => (int)GdsJson.Deserialize<Metric>(r.Value).Value).ToList();
        Assert.Equal(Enumerable.Range(0, 40), values);
    }

    [Fact]
    public async Task Heartbeats_go_to_their_topic_keyed_by_collector()
    {
        await using (var publisher = Publisher())
        {
            publisher.TrySend(new Heartbeat { CollectorId = "collector-7", Timestamp = DateTimeOffset.UtcNow, Targets = 3, TargetsUp = 2 });
            await Eventually.True(() => TopicReader.ReadAll(_broker.BootstrapServers, TopicNames.Heartbeats, 1, 1, TimeSpan.FromSeconds(1)).Count == 1,
                TimeSpan.FromSeconds(20), "the heartbeat on gds.heartbeats");
        }
        var (_, key, value) = Assert.Single(TopicReader.ReadAll(_broker.BootstrapServers, TopicNames.Heartbeats, 1, 1, TimeSpan.FromSeconds(5)));
        Assert.Equal("collector-7", key);
        var beat = GdsJson.Deserialize<Heartbeat>(value);
        Assert.Equal(2, beat.TargetsUp);
    }
}
