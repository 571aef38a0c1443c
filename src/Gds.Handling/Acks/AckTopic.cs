using Confluent.Kafka;
using Gds.Alerting.Acknowledgements;
using Gds.Contracts.Alerts;
using Gds.Contracts.Serialization;
using Gds.Contracts.Topics;
using Gds.Kafka.Clients;

namespace Gds.Handling.Acks;

/// <summary>
/// Writing an <see cref="Ack"/> to gds.alerts.acks. Key = dedup key (compaction keeps the latest ack per alert);
/// partition = the one the alert's instance_id hashes to, the same number as its metrics partition, so the stream
/// task holding the alert's state reads the ack without a repartition.
/// </summary>
public static class AckTopic
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The ack of <paramref name="alertId"/> (a dedup key) by <paramref name="by"/>, or why there is none.</summary>
    public static bool TryBuild(string? alertId, string? by, string? comment, DateTimeOffset now, out Ack? ack, out string? error)
    {
        ack = null;
        if (!AlertReference.TryParse(alertId, out var alert, out error)) return false;
        if (string.IsNullOrWhiteSpace(by))
        {
            error = "--by WHO is required";
            return false;
        }
        ack = new Ack { AlertId = alert!.DedupKey, InstanceId = alert.InstanceId, By = by.Trim(), Comment = string.IsNullOrWhiteSpace(comment) ? null : comment, At = now };
        return true;
    }

    /// <summary>Publishes <paramref name="ack"/>; returns the partition it went to.</summary>
    public static async Task<int> PublishAsync(KafkaClientFactory clients, Ack ack, CancellationToken ct)
    {
        var config = clients.ProducerConfig("gds-ack");
        config.MessageTimeoutMs = (int)Timeout.TotalMilliseconds;
        using var producer = new ProducerBuilder<string, byte[]>(config).Build();
        using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
        var topic = admin.GetMetadata(TopicNames.AlertAcks, Timeout).Topics.SingleOrDefault(t => t.Topic == TopicNames.AlertAcks);
        if (topic is null || topic.Error.IsError || topic.Partitions.Count == 0)
            throw new AckTopicUnavailableException($"topic {TopicNames.AlertAcks} is not available: {topic?.Error.Reason ?? "not found"}");
        var instance = ack.InstanceId ?? (AlertReference.TryParse(ack.AlertId, out var a, out _) ? a!.InstanceId : ack.AlertId);
        var partition = KeyPartitioner.PartitionFor(instance, topic.Partitions.Count);
        await producer.ProduceAsync(new TopicPartition(TopicNames.AlertAcks, partition),
            new Message<string, byte[]> { Key = ack.AlertId, Value = clients.Codec.Encode(TopicNames.AlertAcks, ack) }, ct);
        producer.Flush(ct);
        return partition;
    }
}

public sealed class AckTopicUnavailableException(string message) : Exception(message);
