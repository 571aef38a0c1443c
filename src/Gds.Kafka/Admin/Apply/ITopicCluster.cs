namespace Gds.Kafka.Admin.Apply;

/// <summary>The few admin questions `gds topics apply` asks a cluster.</summary>
public interface ITopicCluster
{
    /// <summary>Every topic with its partitions and replication factor; no configs.</summary>
    Task<IReadOnlyList<ObservedTopic>> ListAsync(CancellationToken ct);

    /// <summary>The configs of these existing topics, or why the broker would not tell.</summary>
    Task<TopicConfigs> DescribeConfigsAsync(IReadOnlyCollection<string> topics, CancellationToken ct);

    /// <param name="replicationFactor">null: the broker's default.replication.factor</param>
    Task<IReadOnlyList<TopicCreation>> CreateAsync(IReadOnlyList<TopicSpec> topics, int? replicationFactor, CancellationToken ct);
}

/// <param name="Problem">why some or all configs are unknown (null when every topic was answered)</param>
public sealed record TopicConfigs(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> ByTopic, string? Problem);

/// <param name="Created">false with no problem: it appeared meanwhile (another process created it)</param>
public sealed record TopicCreation(string Name, bool Created, string? Problem = null);
