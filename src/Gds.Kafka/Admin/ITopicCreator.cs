namespace Gds.Kafka.Admin;

/// <summary>Makes sure topics exist; one implementation per kind of cluster.</summary>
public interface ITopicCreator
{
    Task EnsureAsync(IEnumerable<TopicSpec> topics, CancellationToken ct = default);
}
