using Confluent.Kafka;
using Gds.Contracts.Metrics;
using Gds.Contracts.Serialization;
using Gds.Contracts.Topics;

namespace Gds.Ui.Feed;

/// <summary>
/// Reads the topics into the <see cref="AlertBoard"/>: gds.rules, gds.silences and gds.alerts.acks from their start
/// (compacted: what is in force), gds.alerts from its start (its retention is the history), and every metric topic
/// from <see cref="FeedOptions.SampleHistory"/> ago (for the charts and the pending alerts). No consumer group and
/// no commits: each start rebuilds the view from the topics, and the ui never moves another process's offsets.
/// Metric topics that appear later (a new environment) are picked up at the next metadata refresh.
/// </summary>
public sealed class TopicFeed(KafkaClientFactory clients, AlertBoard board, FeedOptions options, ILogger log)
{
    /// <summary>
    /// Read from their start: the compacted topics (what is in force) and gds.alerts, which holds transitions only and
    /// whose retention bounds the history the ui shows.
    /// </summary>
    private static readonly string[] FromStart = [TopicNames.Rules, TopicNames.Silences, TopicNames.AlertAcks, TopicNames.Alerts];

    /// <summary>A registry outage is logged when it begins, not on every retry.</summary>
    private readonly Gds.Kafka.Wire.RegistryOutage _outage = new(log, "ui: records wait");

    public async Task RunAsync(CancellationToken stop)
    {
        // Confluent's Consume blocks its thread; the host's threads are for the web server.
        await Task.Factory.StartNew(() => Run(stop), stop, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
    }

    private void Run(CancellationToken stop)
    {
        var config = clients.ConsumerConfig("gds-ui-" + Guid.NewGuid().ToString("N"), "gds-ui");
        config.EnableAutoCommit = false;
        config.AutoOffsetReset = AutoOffsetReset.Earliest;
        using var consumer = new ConsumerBuilder<string?, byte[]?>(config).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var assigned = new HashSet<TopicPartition>();
        Dictionary<TopicPartition, long>? catchUp = null;
        var nextRefresh = DateTime.MinValue;
        var nextPending = DateTime.MinValue;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (DateTime.UtcNow >= nextRefresh)
                {
                    var added = Assign(consumer, admin, assigned);
                    if (catchUp is null)
                    {
                        catchUp = Ends(consumer, added);
                        log.LogInformation("ui: reading {Partitions} partitions of {Topics} topics to rebuild the view", added.Count, added.Select(p => p.Topic).Distinct().Count());
                    }
                    nextRefresh = DateTime.UtcNow + options.MetadataRefresh;
                }
                var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (r is not null && !r.IsPartitionEOF && !Dispatch(r))
                {
                    // The registry did not answer: the record is read again in a second.
                    consumer.Seek(r.TopicPartitionOffset);
                    stop.WaitHandle.WaitOne(Gds.Kafka.Wire.RegistryOutage.RetryEvery);
                    continue;
                }
                if (catchUp is not null && !board.CaughtUp)
                {
                    if (r is not null && catchUp.TryGetValue(r.TopicPartition, out var end) && r.Offset.Value + 1 >= end) catchUp.Remove(r.TopicPartition);
                    if (catchUp.Count == 0 || catchUp.All(kv => consumer.Position(kv.Key) is { } p && p != Offset.Unset && p.Value >= kv.Value))
                    {
                        board.RefreshPending();
                        board.MarkCaughtUp();
                        log.LogInformation("ui: view rebuilt from the topics");
                    }
                }
                if (DateTime.UtcNow >= nextPending)
                {
                    board.RefreshPending();
                    nextPending = DateTime.UtcNow + TimeSpan.FromMilliseconds(500);
                }
            }
            catch (ConsumeException ex) when (!ex.Error.IsFatal)
            {
                log.LogWarning("ui: reading {Topic}: {Reason}", ex.ConsumerRecord?.Topic, ex.Error.Reason);
            }
            catch (KafkaException ex) when (!ex.Error.IsFatal)
            {
                log.LogWarning("ui: {Reason}; retrying", ex.Error.Reason);
                stop.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
            }
        }
        consumer.Close();
    }

    /// <summary>Adds the partitions of the topics the ui reads that are not assigned yet, each at its start offset.</summary>
    private List<TopicPartitionOffset> Assign(IConsumer<string?, byte[]?> consumer, IAdminClient admin, HashSet<TopicPartition> assigned)
    {
        var md = admin.GetMetadata(TimeSpan.FromSeconds(10));
        var wanted = md.Topics
            .Where(t => !t.Error.IsError && (FromStart.Contains(t.Topic) || TopicNames.IsMetricsTopic(t.Topic)))
            .SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId)))
            .Where(tp => !assigned.Contains(tp))
            .ToList();
        if (wanted.Count == 0) return [];
        var now = DateTimeOffset.UtcNow;
        var byTime = wanted.Where(tp => !FromStart.Contains(tp.Topic))
            .Select(tp => new TopicPartitionTimestamp(tp, new Timestamp((now - options.SampleHistory).UtcDateTime)))
            .ToList();
        var offsets = byTime.Count == 0 ? [] : consumer.OffsetsForTimes(byTime, TimeSpan.FromSeconds(10));
        var start = wanted.Where(tp => FromStart.Contains(tp.Topic)).Select(tp => new TopicPartitionOffset(tp, Offset.Beginning))
            // No record that recent: the partition's end now, as a number. Offset.End would be resolved at the first
            // fetch, and records written between this assignment and that fetch would never be read.
            .Concat(offsets.Select(o => new TopicPartitionOffset(o.TopicPartition,
                o.Offset.Value >= 0 ? o.Offset : consumer.QueryWatermarkOffsets(o.TopicPartition, TimeSpan.FromSeconds(10)).High)))
            .ToList();
        consumer.IncrementalAssign(start);
        foreach (var tp in wanted) assigned.Add(tp);
        return start;
    }

    /// <summary>The end of each partition now: once the consumer has read that far, the view is complete.</summary>
    private static Dictionary<TopicPartition, long> Ends(IConsumer<string?, byte[]?> consumer, IEnumerable<TopicPartitionOffset> starts)
    {
        var ends = new Dictionary<TopicPartition, long>();
        foreach (var s in starts)
        {
            var w = consumer.QueryWatermarkOffsets(s.TopicPartition, TimeSpan.FromSeconds(10));
            var from = s.Offset == Offset.Beginning ? w.Low.Value : s.Offset.Value;
            if (w.High.Value > from) ends[s.TopicPartition] = w.High.Value;
        }
        return ends;
    }

    /// <summary>Hands the record to the board; false when it must be read again (the schema registry did not answer).</summary>
    private bool Dispatch(ConsumeResult<string?, byte[]?> r)
    {
        var topic = r.Topic;
        try
        {
            // Both wire formats, whichever a producer writes: from here on the value is JSON.
            var value = r.Message.Value is { Length: > 0 } raw ? clients.Codec.Decode(topic, raw) : r.Message.Value;
            switch (topic)
            {
                case TopicNames.Alerts when value is { Length: > 0 }:
                    board.OnAlertEvent(GdsJson.Deserialize<AlertEvent>(value));
                    break;
                case TopicNames.Silences when r.Message.Key is { } id:
                    board.OnSilence(id, value);
                    break;
                case TopicNames.AlertAcks when r.Message.Key is { } alertId:
                    board.OnAck(alertId, value is { Length: > 0 } ? GdsJson.Deserialize<Ack>(value) : null);
                    break;
                case TopicNames.Rules when r.Message.Key is { } ruleId:
                    board.OnRule(ruleId, value is { Length: > 0 } ? GdsJson.Deserialize<Rule>(value) : null);
                    break;
                default:
                    if (value is { Length: > 0 } && TopicNames.IsMetricsTopic(topic)) board.OnSample(GdsJson.Deserialize<Metric>(value));
                    break;
            }
        }
        catch (RecordFormatException ex)
        {
            // The topology dead-letters unreadable metrics; the ui only leaves them out of its view.
            log.LogDebug("ui: skipping an unreadable record at {Topic}[{Partition}]@{Offset}: {Error}", topic, r.Partition.Value, r.Offset.Value, ex.Message);
        }
        catch (Gds.Kafka.Wire.SchemaRegistryUnavailableException ex)
        {
            _outage.Failed(ex);
            return false;
        }
        _outage.Recovered();
        return true;
    }
}

/// <summary>How far back the ui reads the metric topics when it starts (for the charts), and how often it looks for new topics.</summary>
public sealed record FeedOptions
{
    public TimeSpan SampleHistory { get; init; } = TimeSpan.FromMinutes(30);
    public TimeSpan MetadataRefresh { get; init; } = TimeSpan.FromSeconds(10);
}
