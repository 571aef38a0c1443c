namespace Gds.Kafka.Admin.Apply;

/// <summary>
/// What the cluster says about one topic. <see cref="Configs"/> is null when the broker would not tell (librdkafka's
/// mock cluster has no DescribeConfigs); only the configs gds sets are looked at.
/// </summary>
public sealed record ObservedTopic(string Name, int Partitions, int ReplicationFactor, IReadOnlyDictionary<string, string>? Configs = null);
