using Confluent.Kafka;
using Gds.Contracts.Topics;
using Gds.EndToEnd.Tests.Incidents;
using Npgsql;
using WireMock.Server;

namespace Gds.EndToEnd.Tests.Processes;

/// <summary>What the chain tests count at its boundaries: records on a topic, rows in the warehouse, pages received.</summary>
internal static class ChainReads
{
    public static List<Notification> Firing(WireMockServer receiver) =>
        receiver.LogEntries.Select(e => Notification.Parse(e.RequestMessage.Body!)).Where(n => n.Firing).ToList();

    /// <summary>Every record of <paramref name="topic"/> now, raw (the tests' topics have 2 partitions, the DLQs 1).</summary>
    public static List<ConsumeResult<byte[], byte[]>> Read(string bootstrap, string topic)
    {
        var clients = new KafkaClientFactory(bootstrap);
        using var consumer = clients.CreateByteConsumer("chain-test-" + Guid.NewGuid().ToString("N"), "chain-test");
        var list = new List<ConsumeResult<byte[], byte[]>>();
        var partitions = topic is TopicNames.MetricsDlq or TopicNames.AlertsDlq ? 1 : 2;
        for (var p = 0; p < partitions; p++)
        {
            var tp = new TopicPartition(topic, p);
            var w = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10));
            if (w.High <= w.Low) continue;
            consumer.Assign(new TopicPartitionOffset(tp, w.Low));
            while (list.Count(r => r.Partition == p) < w.High - w.Low)
                list.Add(consumer.Consume(TimeSpan.FromSeconds(10)) ?? throw new TimeoutException($"{tp}: nothing within 10 s"));
        }
        return list;
    }

    /// <summary>Samples the warehouse holds (0 before its schema exists).</summary>
    public static long RowsLoaded(string connection)
    {
        using var c = new NpgsqlConnection(connection);
        c.Open();
        using var exists = new NpgsqlCommand("SELECT to_regclass('dw.fact_sample') IS NOT NULL", c);
        if (!(bool)exists.ExecuteScalar()!) return 0;
        using var count = new NpgsqlCommand("SELECT count(*) FROM dw.fact_sample", c);
        return (long)count.ExecuteScalar()!;
    }

    public static string Diagnostics(IEnumerable<GdsProcess> processes) => string.Join("\n", processes.Select(p => p.Tail(15)));
}
