using Confluent.Kafka;

namespace Gds.Telemetry.Lag;

/// <summary>
/// Consumer lag of a process's consumers, per assigned partition, measured the cheap way: the partition's high
/// watermark as the consumer last saw it in a fetch response, less the consumer's own position. Both are local
/// look-ups in librdkafka (no request to the broker), made at scrape time; the consumers' loops are not touched.
/// One instance per process component (the sink's consumer, the stream threads' consumers, the importer's).
/// </summary>
public sealed class ConsumerLag
{
    private readonly List<Tracked> _consumers = [];
    private readonly Lock _gate = new();

    /// <param name="metric">the metric the lag is reported as, labelled topic and partition</param>
    public ConsumerLag(TelemetryMetric metric)
    {
        if (metric.Labels is not ["topic", "partition"]) throw new ArgumentException($"{metric.Name}: a lag metric is labelled topic, partition", nameof(metric));
        Metric = metric;
    }

    public TelemetryMetric Metric { get; }

    /// <summary>
    /// Watches <paramref name="consumer"/> until the returned handle is disposed; dispose it before the consumer, so a
    /// scrape never reads a closed librdkafka handle (the lock makes the dispose wait for a scrape under way).
    /// </summary>
    public IDisposable Track(IConsumer<byte[], byte[]> consumer)
    {
        var t = new Tracked(this, consumer);
        lock (_gate) _consumers.Add(t);
        return t;
    }

    /// <summary>Partitions assigned to the watched consumers right now (readiness: "consumers assigned").</summary>
    public int AssignedPartitions
    {
        get
        {
            lock (_gate)
            {
                var n = 0;
                foreach (var c in _consumers) n += SafeAssignment(c.Consumer).Count;
                return n;
            }
        }
    }

    /// <summary>True while at least one consumer is watched (its loop runs).</summary>
    public bool Consuming
    {
        get { lock (_gate) return _consumers.Count > 0; }
    }

    /// <summary>Lag per assigned partition; a partition whose watermark is not known yet (no fetch answered) is left out.</summary>
    public IReadOnlyList<PartitionLag> Partitions()
    {
        var list = new List<PartitionLag>();
        lock (_gate)
        {
            foreach (var c in _consumers)
            foreach (var tp in SafeAssignment(c.Consumer))
            {
                try
                {
                    var w = c.Consumer.GetWatermarkOffsets(tp);
                    if (w.High == Offset.Unset) continue;
                    var position = c.Consumer.Position(tp);
                    // No position yet (nothing consumed since the assignment): everything from the low watermark on is ahead.
                    var at = position == Offset.Unset ? w.Low : position;
                    if (at == Offset.Unset) continue;
                    list.Add(new PartitionLag(tp.Topic, tp.Partition.Value, Math.Max(0, w.High.Value - at.Value)));
                }
                catch (KafkaException)
                {
                    // The partition was revoked between the two calls: the next scrape no longer asks for it.
                }
            }
        }
        return list;
    }

    public long Total => Partitions().Sum(p => p.Lag);

    /// <summary>The lag as readings of <see cref="Metric"/>, one per topic and partition.</summary>
    public IReadingSource AsSource() => new ReadingSource([Metric], into =>
    {
        foreach (var p in Partitions()) into.Add(new Reading(Metric, p.Lag, p.Topic, p.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    });

    private static List<TopicPartition> SafeAssignment(IConsumer<byte[], byte[]> consumer)
    {
        try { return consumer.Assignment; }
        catch (Exception ex) when (ex is KafkaException or ObjectDisposedException) { return []; }
    }

    private sealed class Tracked(ConsumerLag owner, IConsumer<byte[], byte[]> consumer) : IDisposable
    {
        public IConsumer<byte[], byte[]> Consumer { get; } = consumer;

        public void Dispose()
        {
            lock (owner._gate) owner._consumers.Remove(this);
        }
    }
}

public readonly record struct PartitionLag(string Topic, int Partition, long Lag);
