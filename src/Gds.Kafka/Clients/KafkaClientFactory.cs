using Confluent.Kafka;
using Gds.Kafka.Configuration;
using Gds.Kafka.Embedded;
using Gds.Kafka.Wire;

namespace Gds.Kafka.Clients;

/// <summary>
/// The client settings every gds process shares: idempotent acks=all producers, consumers that commit only what
/// the caller says is done. Security (TLS, SASL) comes from <see cref="KafkaOptions"/>, the same for every client.
/// </summary>
public sealed class KafkaClientFactory(string bootstrapServers, IReadOnlyDictionary<string, string>? extra = null, RecordCodec? codec = null)
{
    static KafkaClientFactory() => LibRdKafka.EnsureLoaded();

    /// <summary>Clients for the validated <paramref name="options"/> (see <see cref="KafkaOptionsValidator"/>).</summary>
    public KafkaClientFactory(KafkaOptions options)
        : this(options.BootstrapServers ?? throw new ArgumentException("Kafka:BootstrapServers is not set", nameof(options)), KafkaClientProperties.From(options),
            RecordCodec.From(options))
    {
        SecurityProtocol = options.EffectiveProtocol;
    }

    public string BootstrapServers { get; } = bootstrapServers;

    /// <summary>How this process's values go on the wire and come off it (Kafka:Format, Kafka:SchemaRegistryUrl).</summary>
    public RecordCodec Codec { get; } = codec ?? RecordCodec.Json;

    /// <summary>PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, for messages that say how a broker was reached.</summary>
    public string SecurityProtocol { get; } = extra?.TryGetValue("security.protocol", out var p) == true ? p.ToUpperInvariant() : "PLAINTEXT";

    /// <summary>The librdkafka properties besides the bootstrap servers that every client gets (secrets included: never print them).</summary>
    public IReadOnlyDictionary<string, string> Properties => Extra();

    public AdminClientConfig AdminConfig(string clientId) =>
        new(Extra()) { BootstrapServers = BootstrapServers, ClientId = clientId };

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

    public IProducer<byte[], byte[]> CreateByteProducer(string clientId) =>
        new ProducerBuilder<byte[], byte[]>(ProducerConfig(clientId)).Build();

    public IConsumer<byte[], byte[]> CreateByteConsumer(string groupId, string clientId) =>
        new ConsumerBuilder<byte[], byte[]>(ConsumerConfig(groupId, clientId)).Build();

    private Dictionary<string, string> Extra() => extra is null ? new() : new Dictionary<string, string>(extra);
}
