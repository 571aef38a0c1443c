using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Gds.Kafka.Clients;

namespace Gds.Kafka.Admin;

/// <summary>Creates missing topics on a real cluster through the Admin API; existing ones are left as they are.</summary>
public sealed class KafkaTopicCreator(KafkaClientFactory clients, short replicationFactor = -1) : ITopicCreator
{
    public async Task EnsureAsync(IEnumerable<TopicSpec> topics, CancellationToken ct = default)
    {
        using var admin = new AdminClientBuilder(clients.AdminConfig("gds-topics")).Build();
        var existing = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic).ToHashSet();
        var missing = topics.Where(t => !existing.Contains(t.Name)).Select(ToSpecification).ToList();
        if (missing.Count == 0) return;
        try
        {
            await admin.CreateTopicsAsync(missing).WaitAsync(ct);
        }
        catch (CreateTopicsException ex) when (ex.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Another process created them first: that is the state we wanted.
        }
    }

    private TopicSpecification ToSpecification(TopicSpec t) =>
        new() { Name = t.Name, NumPartitions = t.Partitions, ReplicationFactor = replicationFactor, Configs = t.Configs().ToDictionary() };
}
