using Gds.Kafka.Embedded;

namespace Gds.Kafka.Admin;

/// <summary>The mock cluster has no CreateTopics request, so topics are made through its own API.</summary>
public sealed class EmbeddedTopicCreator(EmbeddedBroker broker) : ITopicCreator
{
    public Task EnsureAsync(IEnumerable<TopicSpec> topics, CancellationToken ct = default)
    {
        foreach (var t in topics) broker.CreateTopic(t.Name, t.Partitions);
        return Task.CompletedTask;
    }
}
