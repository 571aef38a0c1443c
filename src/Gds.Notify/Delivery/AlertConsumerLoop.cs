using Gds.Kafka.Clients;
using Gds.Telemetry.Lag;

namespace Gds.Notify.Delivery;

/// <summary>
/// Reads gds.alerts in the sink's consumer group and hands each record on; commits, on this same thread, only the
/// offsets the <see cref="OffsetTracker"/> says are finished. Two kinds of back-pressure keep memory bounded without
/// blocking the group's heartbeat: all partitions pause when too many events are unfinished, and a partition that
/// brings an event for a full route is paused and rewound to that event until the route has room again.
/// </summary>
internal sealed class AlertConsumerLoop(
    SinkOptions options,
    KafkaClientFactory kafka,
    OffsetTracker tracker,
    RecordIntake intake,
    SinkStats stats,
    ConsumerLag lag,
    ILogger log)
{
    private readonly Dictionary<TopicPartition, RouteLanes.Lane> _parked = new();
    private bool _pausedAll;
    private readonly Gds.Kafka.Wire.RegistryOutage _outage = new(log, "alert events wait");

    /// <summary>Runs until <paramref name="stop"/> fires, then calls <paramref name="drain"/> and makes a last commit.</summary>
    public void Run(CancellationToken stop, Func<Task> drain)
    {
        var config = kafka.ConsumerConfig(SinkOptions.ConsumerGroup, options.ClientId);
        config.SessionTimeoutMs = (int)options.SessionTimeout.TotalMilliseconds;
        config.HeartbeatIntervalMs = Math.Max(100, config.SessionTimeoutMs.Value / 5);
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config)
            .SetPartitionsAssignedHandler((c, parts) => log.LogInformation("assigned {Partitions}", string.Join(", ", parts)))
            .SetPartitionsRevokedHandler((c, parts) => OnRevoked(c, parts.Select(p => p.TopicPartition).ToList()))
            .SetPartitionsLostHandler((c, parts) => OnLost(parts.Select(p => p.TopicPartition).ToList()))
            .SetErrorHandler((_, e) => log.Log(e.IsFatal ? LogLevel.Critical : LogLevel.Warning, "kafka: {Reason}", e.Reason))
            .Build();
        // Disposed before the consumer (reverse order): a scrape never reads a closed consumer.
        using var lagTracking = lag.Track(consumer);
        consumer.Subscribe(options.SourceTopic);
        log.LogInformation("consuming {Topic} in group {Group} from {Bootstrap}", options.SourceTopic, SinkOptions.ConsumerGroup, kafka.BootstrapServers);
        var nextCommit = DateTime.UtcNow + options.CommitInterval;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                ApplyBackPressure(consumer);
                ConsumeResult<byte[], byte[]>? result;
                try
                {
                    result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                }
                catch (ConsumeException ex)
                {
                    log.LogWarning("consume failed: {Reason}", ex.Error.Reason);
                    continue;
                }
                if (result is { IsPartitionEOF: false }) Handle(consumer, result);
                if (DateTime.UtcNow >= nextCommit)
                {
                    Commit(consumer, tracker.TakeCommittable());
                    nextCommit = DateTime.UtcNow + options.CommitInterval;
                }
            }
        }
        finally
        {
            try
            {
                drain().GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                log.LogWarning(ex, "draining deliveries on shutdown failed");
            }
            Commit(consumer, tracker.TakeCommittable());
            try { consumer.Close(); } catch (KafkaException ex) { log.LogWarning("closing the consumer: {Reason}", ex.Error.Reason); }
        }
    }

    private void Handle(IConsumer<byte[], byte[]> consumer, ConsumeResult<byte[], byte[]> result)
    {
        // A record fetched before its partition was parked: it comes again after the rewind.
        if (_parked.ContainsKey(result.TopicPartition)) return;
        RecordIntake.Decoded decoded;
        try
        {
            decoded = intake.Decode(result);
            _outage.Recovered();
        }
        catch (Gds.Kafka.Wire.SchemaRegistryUnavailableException ex)
        {
            // Not the record's fault: it is read again once the registry answers, never dead-lettered for this.
            _outage.Failed(ex);
            consumer.Seek(result.TopicPartitionOffset);
            Thread.Sleep(Gds.Kafka.Wire.RegistryOutage.RetryEvery);
            return;
        }
        var lane = intake.LaneFor(decoded);
        if (lane.IsFull)
        {
            consumer.Pause([result.TopicPartition]);
            consumer.Seek(result.TopicPartitionOffset);
            _parked[result.TopicPartition] = lane;
            log.LogDebug("route {Route} is full: {Partition} parked at {Offset}", lane.Route, result.TopicPartition, result.Offset);
            return;
        }
        var ticket = tracker.Track(result.TopicPartition, result.Offset.Value);
        stats.OnConsumed();
        intake.Accept(decoded, lane, ticket);
    }

    private void ApplyBackPressure(IConsumer<byte[], byte[]> consumer)
    {
        var inFlight = stats.InFlight;
        if (!_pausedAll && inFlight >= options.MaxInFlight)
        {
            _pausedAll = true;
            log.LogInformation("{InFlight} events unfinished (limit {Limit}): pausing consumption", inFlight, options.MaxInFlight);
        }
        else if (_pausedAll && inFlight < options.MaxInFlight * 0.8)
        {
            _pausedAll = false;
            var resume = consumer.Assignment.Where(tp => !_parked.ContainsKey(tp)).ToList();
            if (resume.Count > 0) consumer.Resume(resume);
            log.LogInformation("resuming consumption");
        }
        if (_pausedAll)
        {
            // Re-applied every round so partitions assigned during the pause are held too.
            var assignment = consumer.Assignment;
            if (assignment.Count > 0) consumer.Pause(assignment);
        }
        if (_parked.Count == 0) return;
        foreach (var (tp, lane) in _parked.ToList())
        {
            if (!lane.HasRoom) continue;
            _parked.Remove(tp);
            if (!_pausedAll) consumer.Resume([tp]);
        }
    }

    private void Commit(IConsumer<byte[], byte[]> consumer, List<TopicPartitionOffset> offsets)
    {
        if (offsets.Count == 0) return;
        try
        {
            consumer.Commit(offsets);
            stats.OnCommitted();
        }
        catch (KafkaException ex)
        {
            log.LogWarning("commit of {Offsets} failed: {Reason}; will retry", string.Join(", ", offsets), ex.Error.Reason);
            tracker.CommitFailed(offsets);
        }
    }

    private void OnRevoked(IConsumer<byte[], byte[]> consumer, List<TopicPartition> parts)
    {
        log.LogInformation("revoked {Partitions}", string.Join(", ", parts));
        Commit(consumer, tracker.TakeCommittable(parts));
        Forget(parts);
    }

    private void OnLost(List<TopicPartition> parts)
    {
        log.LogWarning("lost {Partitions}; their unfinished events will be re-read by the new owner", string.Join(", ", parts));
        Forget(parts);
    }

    private void Forget(List<TopicPartition> parts)
    {
        tracker.Forget(parts);
        foreach (var tp in parts) _parked.Remove(tp);
    }
}
