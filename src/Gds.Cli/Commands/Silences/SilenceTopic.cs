using Confluent.Kafka;
using Gds.Alerting.Silences;
using Gds.Cli.Infrastructure;
using Gds.Contracts.Serialization;
using Gds.Contracts.Silences;
using Gds.Contracts.Topics;
using Gds.Kafka.Clients;

namespace Gds.Cli.Commands.Silences;

/// <summary>Reading and writing gds.silences (key = silence id, compacted).</summary>
public static class SilenceTopic
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static Task<KafkaClientFactory> ClientsAsync(KafkaSettings settings, CancellationToken ct) => Hosting.GdsHost.KafkaClientsAsync(settings, ct);

    public static async Task PublishAsync(KafkaClientFactory clients, Silence silence, CancellationToken ct)
    {
        var config = clients.ProducerConfig("gds-silence");
        // A CLI must fail when the broker is unreachable, not retry for ever like the services do.
        config.MessageTimeoutMs = (int)Timeout.TotalMilliseconds;
        using var producer = new ProducerBuilder<string, byte[]>(config).Build();
        await producer.ProduceAsync(TopicNames.Silences, new Message<string, byte[]> { Key = silence.Id, Value = GdsJson.Serialize(silence) }, ct);
        producer.Flush(ct);
    }

    /// <summary>The silences on the topic now: latest record per id, tombstones removed; unreadable records with their error.</summary>
    public static IReadOnlyList<(string Id, Silence? Silence, string? Error)> ReadAll(KafkaClientFactory clients)
    {
        var latest = CompactedTopicReader.ReadLatest(clients, TopicNames.Silences, Timeout);
        var list = new List<(string, Silence?, string?)>();
        foreach (var (id, bytes) in latest.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            try
            {
                var s = GdsJson.Deserialize<Silence>(bytes);
                list.Add(CompiledSilence.TryCompile(s, out _, out var errors) ? (id, s, null) : (id, s, string.Join("; ", errors)));
            }
            catch (RecordFormatException ex) { list.Add((id, null, ex.Message)); }
        }
        return list;
    }
}
