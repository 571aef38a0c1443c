using Confluent.Kafka;
using Gds.Kafka.Embedded;

namespace Gds.Kafka.Clients;

/// <summary>
/// The client settings every gds process shares: idempotent acks=all producers, consumers that commit only what
/// the caller says is done. Extra librdkafka properties (security, SASL) come from configuration.
/// </summary>
public sealed class KafkaClientFactory(string bootstrapServers, IReadOnlyDictionary<string, string>? extra = null)
{
    static KafkaClientFactory() => LibRdKafka.EnsureLoaded();

    public string BootstrapServers { get; } = bootstrapServers;

    public ProducerConfig ProducerConfig(string clientId)
    {
        var c = new ProducerConfig(Extra())
        {
            BootstrapServers = BootstrapServers,
            ClientId = clientId,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            CompressionType = CompressionType.Lz4,
            MessageSendMaxRetries = int.MaxValue,
        };
        return c;
    }

    public ConsumerConfig ConsumerConfig(string groupId, string clientId)
    {
        return new ConsumerConfig(Extra())
        {
            BootstrapServers = BootstrapServers,
            GroupId = groupId,
            ClientId = clientId,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
            // Bounds the delay an idle partition adds before new records are seen (see StreamsHost).
            FetchWaitMaxMs = 50,
            // Otherwise a full pre-fetch queue pauses fetching for a whole second (librdkafka's default).
            FetchQueueBackoffMs = 10,
        };
    }

    public AdminClientConfig AdminConfig(string clientId) =>
        new(Extra()) { BootstrapServers = BootstrapServers, ClientId = clientId };

    public IProducer<byte[], byte[]> CreateByteProducer(string clientId) =>
        new ProducerBuilder<byte[], byte[]>(ProducerConfig(clientId)).Build();

    public IConsumer<byte[], byte[]> CreateByteConsumer(string groupId, string clientId) =>
        new ConsumerBuilder<byte[], byte[]>(ConsumerConfig(groupId, clientId)).Build();

    private Dictionary<string, string> Extra() => extra is null ? new() : new Dictionary<string, string>(extra);
}
