using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Gds.Topology.LocalState;

/// <summary>What the cluster says about the changelog topics: each partition's offset range and each topic's id.</summary>
public interface IChangelogInspector
{
    /// <summary>Low and high watermark; null when the topic or partition does not exist.</summary>
    (long Low, long High)? Watermarks(string topic, int partition);

    /// <summary>Topic ids by name (a recreated topic gets a new one); empty when the cluster does not tell.</summary>
    IReadOnlyDictionary<string, string> TopicIds(IReadOnlyCollection<string> topics);
}

/// <summary>Asks the cluster through a group-less consumer (watermarks) and the Admin API (topic ids).</summary>
public sealed class KafkaChangelogInspector : IChangelogInspector, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly IAdminClient _admin;
    private readonly HashSet<string> _existing;

    public KafkaChangelogInspector(string bootstrapServers, IReadOnlyDictionary<string, string> properties)
    {
        _consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig(properties.ToDictionary()) { BootstrapServers = bootstrapServers, GroupId = "gds-state-check" }).Build();
        _admin = new DependentAdminClientBuilder(_consumer.Handle).Build();
        _existing = _admin.GetMetadata(Timeout).Topics.Where(t => !t.Error.IsError).Select(t => t.Topic).ToHashSet(StringComparer.Ordinal);
    }

    public (long Low, long High)? Watermarks(string topic, int partition)
    {
        if (!_existing.Contains(topic)) return null;
        try
        {
            var w = _consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), Timeout);
            return (w.Low.Value, w.High.Value);
        }
        catch (KafkaException ex) when (ex.Error.Code is ErrorCode.Local_UnknownPartition or ErrorCode.UnknownTopicOrPart)
        {
            return null;
        }
    }

    public IReadOnlyDictionary<string, string> TopicIds(IReadOnlyCollection<string> topics)
    {
        var present = topics.Where(_existing.Contains).ToList();
        if (present.Count == 0) return new Dictionary<string, string>();
        try
        {
            var described = _admin.DescribeTopicsAsync(TopicCollection.OfTopicNames(present), new DescribeTopicsOptions { RequestTimeout = Timeout })
                .GetAwaiter().GetResult();
            return described.TopicDescriptions.Where(d => !d.Error.IsError && d.TopicId is not null)
                .ToDictionary(d => d.Name, d => d.TopicId.ToString(), StringComparer.Ordinal);
        }
        catch (KafkaException)
        {
            // Some clusters (or ACLs) do not answer; the offset check still applies.
            return new Dictionary<string, string>();
        }
    }

    public void Dispose()
    {
        _admin.Dispose();
        _consumer.Dispose();
    }
}
