using Confluent.Kafka;
using Gds.Contracts.Serialization;
using Gds.Kafka.Admin;
using Gds.Kafka.Clients;
using Gds.Kafka.Embedded;

namespace Gds.Warehouse.Tests.Support;

/// <summary>An embedded broker with the standard topics, and helpers to produce metrics and read the DLQ.</summary>
public sealed class KafkaRig : IDisposable
{
    public EmbeddedBroker Broker { get; } = EmbeddedBroker.Start();
    public KafkaClientFactory Clients { get; }
    private readonly IProducer<byte[], byte[]> _producer;

    public KafkaRig(int partitions = 2)
    {
        new EmbeddedTopicCreator(Broker).EnsureAsync(TopicCatalog.Standard(partitions)).GetAwaiter().GetResult();
        Clients = new KafkaClientFactory(Broker.BootstrapServers);
        _producer = Clients.CreateByteProducer("test-producer");
    }

    /// <summary>Produces all at once and waits for every delivery (one at a time would wait out linger.ms each).</summary>
    public Task ProduceAsync(IEnumerable<Metric> metrics) =>
        Task.WhenAll(metrics.Select(m => ProduceRawAsync(TopicNames.Metrics(m.DatabaseType, m.Environment), m.InstanceId, GdsJson.Serialize(m))).ToList());

    public Task ProduceRawAsync(string topic, string key, byte[]? value) =>
        _producer.ProduceAsync(topic, new Message<byte[], byte[]> { Key = System.Text.Encoding.UTF8.GetBytes(key), Value = value! });

    /// <summary>Reads the DLQ until <paramref name="count"/> records arrived or the deadline passed.</summary>
    public List<ConsumeResult<byte[], byte[]>> ReadDlq(int count, TimeSpan timeout)
    {
        using var consumer = Clients.CreateByteConsumer("dlq-reader-" + Guid.NewGuid(), "test");
        consumer.Assign(new TopicPartitionOffset(TopicNames.MetricsDlq, 0, Offset.Beginning));
        var got = new List<ConsumeResult<byte[], byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        while (got.Count < count && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (r is { IsPartitionEOF: false }) got.Add(r);
        }
        return got;
    }

    /// <summary>Every record of the topic, up to the high watermark each partition had when called.</summary>
    public List<ConsumeResult<byte[], byte[]>> ReadAll(string topic, int partitions, TimeSpan timeout)
    {
        using var consumer = Clients.CreateByteConsumer("topic-reader-" + Guid.NewGuid(), "test");
        var ends = Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p))
            .ToDictionary(tp => tp.Partition.Value, tp => consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value);
        consumer.Assign(ends.Keys.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var got = new List<ConsumeResult<byte[], byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        while (got.Count < ends.Values.Sum() && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (r is { IsPartitionEOF: false } && r.Offset.Value < ends[r.Partition.Value]) got.Add(r);
        }
        if (got.Count < ends.Values.Sum()) throw new TimeoutException($"{topic}: read {got.Count} of {ends.Values.Sum()} records within {timeout}");
        return got;
    }

    /// <summary>The offsets group <paramref name="group"/> committed for every partition of the given topics.</summary>
    public long CommittedTotal(string group, IEnumerable<string> topics, int partitions)
    {
        using var consumer = Clients.CreateByteConsumer(group, "committed-probe");
        var tps = topics.SelectMany(t => Enumerable.Range(0, partitions).Select(p => new TopicPartition(t, p))).ToList();
        return consumer.Committed(tps, TimeSpan.FromSeconds(10)).Sum(o => o.Offset == Offset.Unset ? 0 : o.Offset.Value);
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
        Broker.Dispose();
    }
}
