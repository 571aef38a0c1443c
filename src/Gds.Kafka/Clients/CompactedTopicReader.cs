using Confluent.Kafka;

namespace Gds.Kafka.Clients;

/// <summary>
/// Reads a compacted topic (rules, silences, acks) from the beginning to its current end, without a consumer
/// group, and returns the latest value per key; tombstones remove keys. For tools that need "what is in force".
/// </summary>
public static class CompactedTopicReader
{
    public static IReadOnlyDictionary<string, byte[]> ReadLatest(KafkaClientFactory clients, string topic, TimeSpan timeout)
    {
        var config = clients.ConsumerConfig("gds-reader-" + Guid.NewGuid().ToString("N"), "gds-reader");
        config.EnablePartitionEof = true;
        using var consumer = new ConsumerBuilder<string, byte[]>(config).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var md = admin.GetMetadata(topic, timeout);
        var t = md.Topics.SingleOrDefault(x => x.Topic == topic);
        if (t is null || t.Error.IsError)
            throw new InvalidOperationException($"topic {topic} is not available: {t?.Error.Reason ?? "not found"}");

        var ends = new Dictionary<int, long>();
        foreach (var p in t.Partitions)
        {
            var w = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), timeout);
            if (w.High > w.Low) ends[p.PartitionId] = w.High;
        }
        var latest = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (ends.Count == 0) return latest;
        consumer.Assign(ends.Keys.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var deadline = DateTime.UtcNow + timeout;
        var remaining = new HashSet<int>(ends.Keys);
        while (remaining.Count > 0)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"reading {topic} to its end took longer than {timeout}");
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null) continue;
            if (r.IsPartitionEOF || r.Offset.Value + 1 >= ends[r.Partition.Value])
            {
                if (!r.IsPartitionEOF) Apply(latest, r);
                remaining.Remove(r.Partition.Value);
                continue;
            }
            Apply(latest, r);
        }
        return latest;
    }

    private static void Apply(Dictionary<string, byte[]> latest, ConsumeResult<string, byte[]> r)
    {
        if (r.Message.Key is null) return;
        if (r.Message.Value is null || r.Message.Value.Length == 0) latest.Remove(r.Message.Key);
        else latest[r.Message.Key] = r.Message.Value;
    }
}
