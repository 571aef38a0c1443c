namespace Gds.Topology.LocalState;

/// <summary>What the cluster says about the changelog topics: each partition's offset range.</summary>
public interface IChangelogInspector
{
    /// <summary>Low and high watermark; null when the topic or partition does not exist.</summary>
    (long Low, long High)? Watermarks(string topic, int partition);
}

/// <summary>
/// Asks the cluster through a consumer that joins no group. (Topic ids would also tell a recreated topic from the
/// old one; they are not used yet: the embedded broker answered DescribeTopics only after a 10 s time-out until it
/// was given a controller, and the watermark checks catch the cases found.)
/// </summary>
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

    public void Dispose()
    {
        _admin.Dispose();
        _consumer.Dispose();
    }
}
