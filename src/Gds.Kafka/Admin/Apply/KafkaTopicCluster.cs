using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Gds.Kafka.Clients;

namespace Gds.Kafka.Admin.Apply;

/// <summary>
/// <see cref="ITopicCluster"/> over Confluent.Kafka's admin client. Topics are listed from a metadata request for
/// all topics, never by name: a metadata request naming a missing topic creates it on a broker with
/// auto.create.topics.enable (and on librdkafka's mock cluster), with the broker's partitions and no cleanup policy.
/// </summary>
public sealed class KafkaTopicCluster(KafkaClientFactory clients, TimeSpan timeout) : ITopicCluster, IDisposable
{
    // librdkafka's own lines (a refused connection every 50 ms) would bury the report; its failures reach the
    // caller as exceptions and are said once there.
    private readonly IAdminClient _admin = new AdminClientBuilder(clients.AdminConfig("gds-topics"))
        .SetLogHandler((_, _) => { })
        .SetErrorHandler((_, _) => { })
        .Build();
    private static readonly string[] Interesting = [TopicSpec.CleanupPolicy, TopicSpec.RetentionMs];

    public Task<IReadOnlyList<ObservedTopic>> ListAsync(CancellationToken ct) => Task.Run<IReadOnlyList<ObservedTopic>>(() =>
        _admin.GetMetadata(timeout).Topics
            .Where(t => !t.Error.IsError && t.Partitions.Count > 0)
            .Select(t => new ObservedTopic(t.Topic, t.Partitions.Count, t.Partitions.Min(p => p.Replicas.Length)))
            .ToList(), ct);

    public async Task<TopicConfigs> DescribeConfigsAsync(IReadOnlyCollection<string> topics, CancellationToken ct)
    {
        var resources = topics.Select(t => new ConfigResource { Type = ResourceType.Topic, Name = t }).ToList();
        try
        {
            var results = await _admin.DescribeConfigsAsync(resources, new DescribeConfigsOptions { RequestTimeout = timeout }).WaitAsync(ct);
            return new TopicConfigs(results.ToDictionary(r => r.ConfigResource.Name, r => Pick(r.Entries), StringComparer.Ordinal), null);
        }
        catch (DescribeConfigsException ex)
        {
            var answered = ex.Results.Where(r => !r.Error.IsError).ToDictionary(r => r.ConfigResource.Name, r => Pick(r.Entries), StringComparer.Ordinal);
            var failed = ex.Results.Where(r => r.Error.IsError).Select(r => $"{r.ConfigResource.Name} ({r.Error.Reason})");
            return new TopicConfigs(answered, "the broker did not answer DescribeConfigs for " + string.Join(", ", failed));
        }
        catch (KafkaException ex)
        {
            return new TopicConfigs(new Dictionary<string, IReadOnlyDictionary<string, string>>(), $"the broker did not answer DescribeConfigs ({ex.Error.Reason})");
        }
    }

    public async Task<IReadOnlyList<TopicCreation>> CreateAsync(IReadOnlyList<TopicSpec> topics, int? replicationFactor, CancellationToken ct)
    {
        var specs = topics.Select(t => new TopicSpecification
        {
            Name = t.Name,
            NumPartitions = t.Partitions,
            ReplicationFactor = (short)(replicationFactor ?? -1),
            Configs = t.Configs().ToDictionary(),
        }).ToList();
        try
        {
            await _admin.CreateTopicsAsync(specs, new CreateTopicsOptions { RequestTimeout = timeout, OperationTimeout = timeout }).WaitAsync(ct);
            return topics.Select(t => new TopicCreation(t.Name, true)).ToList();
        }
        catch (CreateTopicsException ex)
        {
            return ex.Results.Select(r => r.Error.Code switch
            {
                ErrorCode.NoError => new TopicCreation(r.Topic, true),
                ErrorCode.TopicAlreadyExists => new TopicCreation(r.Topic, false),
                _ => new TopicCreation(r.Topic, false, $"CreateTopics failed: {r.Error.Reason}"),
            }).ToList();
        }
        catch (KafkaException ex)
        {
            return topics.Select(t => new TopicCreation(t.Name, false, $"the broker did not answer CreateTopics ({ex.Error.Reason})")).ToList();
        }
    }

    private static IReadOnlyDictionary<string, string> Pick(Dictionary<string, ConfigEntryResult> entries) =>
        entries.Values.Where(e => Interesting.Contains(e.Name) && e.Value is not null).ToDictionary(e => e.Name, e => e.Value);

    public void Dispose() => _admin.Dispose();
}
