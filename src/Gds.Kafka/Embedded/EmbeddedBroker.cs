using System.Runtime.InteropServices;
using System.Text;

namespace Gds.Kafka.Embedded;

/// <summary>
/// A Kafka-protocol broker inside this process: librdkafka's mock cluster. It has no CreateTopics, no
/// DescribeConfigs (topics have no configs), no compaction, no persistence and does not keep transactional
/// offsets, so every topic must be created through <see cref="CreateTopic"/> and nothing here may claim
/// exactly-once. For dev, tests and `gds kafka`.
/// </summary>
public sealed class EmbeddedBroker : IDisposable
{
    private readonly IntPtr _handle;
    private readonly IntPtr _cluster;
    private readonly HashSet<string> _topics = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private bool _disposed;

    public string BootstrapServers { get; }
    public int BrokerCount { get; }

    private EmbeddedBroker(IntPtr handle, IntPtr cluster, int brokerCount)
    {
        _handle = handle;
        _cluster = cluster;
        BrokerCount = brokerCount;
        BootstrapServers = Marshal.PtrToStringUTF8(LibRdKafka.MockClusterBootstraps(cluster))
                           ?? throw new InvalidOperationException("the mock cluster returned no bootstrap servers");
    }

    /// <param name="initialRebalanceDelay">
    /// How long a new consumer group waits for more members before its first assignment (Kafka's
    /// group.initial.rebalance.delay.ms). Zero by default so that tests and gds dev start at once; several stream
    /// threads of one application want them all in the first generation (see StreamsHost).
    /// </param>
    public static EmbeddedBroker Start(int brokers = 1, TimeSpan initialRebalanceDelay = default)
    {
        if (brokers < 1) throw new ArgumentOutOfRangeException(nameof(brokers), "at least one broker");
        LibRdKafka.EnsureLoaded();
        var err = new byte[512];
        var conf = LibRdKafka.ConfNew();
        // The handle only hosts the cluster; keep it quiet.
        LibRdKafka.ConfSet(conf, "log_level", "3", err, (UIntPtr)err.Length);
        var rk = LibRdKafka.New(LibRdKafka.RdKafkaProducer, conf, err, (UIntPtr)err.Length);
        if (rk == IntPtr.Zero)
            throw new InvalidOperationException("rd_kafka_new failed: " + Encoding.UTF8.GetString(err).TrimEnd('\0'));
        var cluster = LibRdKafka.MockClusterNew(rk, brokers);
        if (cluster == IntPtr.Zero)
        {
            LibRdKafka.Destroy(rk);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        }
        // Without a controller in its metadata, admin requests (CreateTopics, DescribeConfigs, DescribeTopics)
        // wait their whole time-out for one; with it, the mock answers DescribeTopics and refuses what it lacks at once.
        var rc = LibRdKafka.MockSetControllerId(cluster, 1);
        if (rc != 0)
        {
            LibRdKafka.MockClusterDestroy(cluster);
            LibRdKafka.Destroy(rk);
            throw new InvalidOperationException("rd_kafka_mock_set_controller_id failed: " + ErrorText(rc));
        }
        // Consumer groups otherwise wait ~3 s before their first assignment.
        LibRdKafka.MockGroupInitialRebalanceDelayMs(cluster, (int)initialRebalanceDelay.TotalMilliseconds);
        return new EmbeddedBroker(rk, cluster, brokers);
    }

    /// <summary>Creates the topic unless it exists; the replication factor is capped by the broker count.</summary>
    public void CreateTopic(string name, int partitions, int replicationFactor = 1)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_topics.Add(name)) return;
            var rc = LibRdKafka.MockTopicCreate(_cluster, name, partitions, Math.Min(replicationFactor, BrokerCount));
            if (rc != 0)
            {
                _topics.Remove(name);
                throw new InvalidOperationException($"creating topic '{name}' on the embedded broker failed: {ErrorText(rc)}");
            }
        }
    }

    public IReadOnlyCollection<string> Topics
    {
        get { lock (_gate) return _topics.ToArray(); }
    }

    /// <summary>Takes a broker down (1-based id): clients see connection failures until <see cref="SetBrokerUp"/>.</summary>
    public void SetBrokerDown(int brokerId) => Check(LibRdKafka.MockBrokerSetDown(_cluster, brokerId), "set_down");

    public void SetBrokerUp(int brokerId) => Check(LibRdKafka.MockBrokerSetUp(_cluster, brokerId), "set_up");

    public void SetBrokerRtt(int brokerId, TimeSpan rtt) => Check(LibRdKafka.MockBrokerSetRtt(_cluster, brokerId, (int)rtt.TotalMilliseconds), "set_rtt");

    public void SetAllBrokersDown() { for (var b = 1; b <= BrokerCount; b++) SetBrokerDown(b); }

    public void SetAllBrokersUp() { for (var b = 1; b <= BrokerCount; b++) SetBrokerUp(b); }

    private static void Check(int rc, string what)
    {
        if (rc != 0) throw new InvalidOperationException($"mock broker {what} failed: {ErrorText(rc)}");
    }

    private static string ErrorText(int rc) => Marshal.PtrToStringUTF8(LibRdKafka.ErrorToString(rc)) ?? $"error {rc}";

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        LibRdKafka.MockClusterDestroy(_cluster);
        LibRdKafka.Destroy(_handle);
    }
}
