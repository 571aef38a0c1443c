using Confluent.Kafka;
using Gds.Contracts.Serialization;
using Gds.Contracts.Silences;
using Gds.Contracts.Topics;
using Gds.Kafka.Clients;
using Gds.Kafka.Wire;

namespace Gds.Handling.Silences;

/// <summary>Reading and writing gds.silences (key = silence id, compacted).</summary>
public static class SilenceTopic
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task PublishAsync(KafkaClientFactory clients, Silence silence, CancellationToken ct)
    {
        var config = clients.ProducerConfig("gds-silence");
        // A person waiting on a write must hear that the broker is unreachable, not wait while it retries for ever.
        config.MessageTimeoutMs = (int)Timeout.TotalMilliseconds;
        using var producer = new ProducerBuilder<string, byte[]>(config).Build();
        await producer.ProduceAsync(TopicNames.Silences, new Message<string, byte[]> { Key = silence.Id, Value = clients.Codec.Encode(TopicNames.Silences, silence) }, ct);
        producer.Flush(ct);
    }

    /// <summary>The silences on the topic now: latest record per id, tombstones removed; unreadable records with their error.</summary>
    public static IReadOnlyList<(string Id, Silence? Silence, string? Error)> ReadAll(KafkaClientFactory clients)
    {
        var latest = CompactedTopicReader.ReadLatest(clients, TopicNames.Silences, Timeout);
        return latest.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Read(clients.Codec, kv.Key, kv.Value)).ToList();
    }

    /// <summary>One record of the topic, in either wire format: the silence, and why it is invalid when it is.</summary>
    public static (string Id, Silence? Silence, string? Error) Read(RecordCodec codec, string id, byte[] bytes)
    {
        try
        {
            var s = codec.Decode<Silence>(TopicNames.Silences, bytes);
            return CompiledSilence.TryCompile(s, out _, out var errors) ? (id, s, null) : (id, s, string.Join("; ", errors));
        }
        catch (RecordFormatException ex) { return (id, null, ex.Message); }
    }
}
