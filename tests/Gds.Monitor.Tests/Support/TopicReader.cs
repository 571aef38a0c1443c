using System.Text;
using Confluent.Kafka;
using Gds.Kafka.Clients;

namespace Gds.Monitor.Tests.Support;

/// <summary>Reads a topic from the beginning of every partition, keeping per-partition order.</summary>
public static class TopicReader
{
    public static List<(int Partition, string Key, byte[] Value)> ReadAll(string bootstrap, string topic, int partitions, int expected, TimeSpan within)
    {
        var clients = new KafkaClientFactory(bootstrap);
        using var consumer = clients.CreateByteConsumer("test-reader-" + Guid.NewGuid().ToString("N"), "test-reader");
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var got = new List<(int, string, byte[])>();
        var deadline = DateTime.UtcNow + within;
        while (got.Count < expected && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r?.Message is null) continue;
            got.Add((r.Partition.Value, Encoding.UTF8.GetString(r.Message.Key), r.Message.Value));
        }
        // Anything beyond what was expected would be a duplicate: give it a moment to show up.
        var extraDeadline = DateTime.UtcNow.AddMilliseconds(500);
        while (DateTime.UtcNow < extraDeadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (r?.Message is not null) got.Add((r.Partition.Value, Encoding.UTF8.GetString(r.Message.Key), r.Message.Value));
        }
        return got;
    }
}
