using System.Globalization;
using Gds.Contracts.Alerts;
using Gds.Contracts.Serialization;
using Gds.Contracts.Topics;
using Gds.Kafka.Clients;

namespace Gds.Notify.DeadLetter;

/// <summary>
/// `gds dlq replay`: reads gds.alerts.dlq from its start to its current end and re-publishes the events that match
/// the filter to gds.alerts, with their original key and bytes, so the sink delivers them again with their original
/// message_id. The DLQ is left as it is (Kafka has no delete): replaying twice sends twice, and the service
/// deduplicates by message_id.
/// </summary>
public sealed class DlqReplayer(KafkaClientFactory kafka, ILogger log, string dlqTopic = TopicNames.AlertsDlq, string targetTopic = TopicNames.Alerts)
{
    public const string ReplayedFrom = "gds.replayed.from";
    public const string ReplayedAt = "gds.replayed.at";

    public async Task<ReplayReport> ReplayAsync(ReplayFilter filter, bool dryRun, CancellationToken cancellationToken)
    {
        using var producer = kafka.CreateByteProducer("gds-dlq-replay");
        using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
        var metadata = admin.GetMetadata(dlqTopic, TimeSpan.FromSeconds(10));
        var topic = metadata.Topics.SingleOrDefault(t => t.Topic == dlqTopic);
        if (topic is null || topic.Error.IsError || topic.Partitions.Count == 0)
            throw new InvalidOperationException($"topic {dlqTopic} not found on {kafka.BootstrapServers}{(topic?.Error.IsError == true ? ": " + topic.Error.Reason : "")}");

        // A throw-away group id: the replay assigns partitions itself and commits nothing.
        using var consumer = kafka.CreateByteConsumer($"gds-dlq-replay-{Guid.NewGuid():N}", "gds-dlq-replay");
        var events = new List<ReplayedEvent>();
        var read = 0;
        foreach (var p in topic.Partitions)
        {
            var tp = new TopicPartition(dlqTopic, p.PartitionId);
            var w = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10));
            if (w.High.Value <= w.Low.Value) continue;
            consumer.Assign(new TopicPartitionOffset(tp, w.Low));
            var last = w.High.Value - 1;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var r = consumer.Consume(TimeSpan.FromSeconds(10))
                        ?? throw new TimeoutException($"{tp}: no record within 10 s though the end is at {w.High}");
                read++;
                var alert = TryDecode(r);
                if (filter.Matches(r, alert))
                {
                    var replayed = new ReplayedEvent(alert?.EventId, alert?.RuleId, Delivery.RecordPosition.Of(r),
                        Header(r, ErrorHeaders.Error), ReplayFilter.FailedAt(r));
                    events.Add(replayed);
                    if (!dryRun) await producer.ProduceAsync(targetTopic, Republished(r), cancellationToken).ConfigureAwait(false);
                }
                if (r.Offset.Value >= last) break;
            }
            consumer.Unassign();
        }
        producer.Flush(cancellationToken);
        log.LogInformation("{Verb} {Count} of {Read} dead-lettered events to {Topic}", dryRun ? "would replay" : "replayed", events.Count, read, targetTopic);
        return new ReplayReport(read, events, dryRun);
    }

    private static Message<byte[], byte[]> Republished(ConsumeResult<byte[], byte[]> r)
    {
        var headers = new Headers();
        foreach (var h in r.Message.Headers ?? [])
            if (!h.Key.StartsWith("gds.error", StringComparison.Ordinal) && !h.Key.StartsWith("gds.source.", StringComparison.Ordinal)
                && !h.Key.StartsWith("gds.http.", StringComparison.Ordinal) && h.Key is not ErrorHeaders.Attempts and not ErrorHeaders.FailedAt
                and not ReplayedFrom and not ReplayedAt)
                headers.Add(h.Key, h.GetValueBytes());
        headers.Add(ReplayedFrom, Encoding.UTF8.GetBytes(Delivery.RecordPosition.Of(r)));
        headers.Add(ReplayedAt, Encoding.UTF8.GetBytes(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)));
        return new Message<byte[], byte[]> { Key = r.Message.Key, Value = r.Message.Value, Headers = headers };
    }

    private AlertEvent? TryDecode(ConsumeResult<byte[], byte[]> r)
    {
        if (r.Message.Value is not { Length: > 0 } v) return null;
        try
        {
            return kafka.Codec.Decode<AlertEvent>(targetTopic, v);
        }
        catch (RecordFormatException)
        {
            return null;
        }
    }

    private static string? Header(ConsumeResult<byte[], byte[]> r, string key) =>
        r.Message.Headers?.TryGetLastBytes(key, out var b) == true ? Encoding.UTF8.GetString(b) : null;
}

/// <summary>What a replay read and re-published (or, on a dry run, would have).</summary>
public sealed record ReplayReport(int Read, IReadOnlyList<ReplayedEvent> Events, bool DryRun)
{
    public int Replayed => Events.Count;
}

public sealed record ReplayedEvent(string? EventId, string? RuleId, string DlqPosition, string? Error, DateTimeOffset FailedAt);
