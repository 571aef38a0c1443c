using Gds.Contracts.Serialization;
using Gds.Contracts.Watchdog;
using Gds.Kafka.Clients;

namespace Gds.Notify.Watchdog;

/// <summary>
/// The sink's dead man's switch for the topology. Every sink instance joins the consumer group
/// <see cref="ConsumerGroup"/> on the one-partition gds.watchdog topic, so Kafka hands that partition to exactly one
/// of them: that instance watches and may page; the others wait to take over. On assignment it reads the topic from
/// its start (compacted: each task's latest heartbeat and the last notified episode), and decides only once it has
/// caught up, so a restart or a take-over neither pages an outage again nor misses one. Notifications go through the
/// sink's own delivery (retries, breaker, email fallback while the service is down), and the episode is recorded on
/// the topic once delivered.
/// </summary>
internal sealed class PipelineWatchdog(
    WatchdogOptions options,
    SinkOptions sink,
    KafkaClientFactory kafka,
    ServiceDelivery delivery,
    TimeProvider clock,
    ILogger log)
{
    public const string ConsumerGroup = "gds-notification-sink-watchdog";

    private readonly object _gate = new();
    private HeartbeatMonitor? _monitor;
    private Dictionary<int, long>? _catchUpTo;
    private readonly Dictionary<int, long> _readUpTo = new();
    private bool _caughtUp;

    public Task RunAsync(CancellationToken stop) =>
        Task.Factory.StartNew(() => Run(stop), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task Run(CancellationToken stop)
    {
        var config = kafka.ConsumerConfig(ConsumerGroup, sink.ClientId + "-watchdog");
        config.SessionTimeoutMs = (int)sink.SessionTimeout.TotalMilliseconds;
        config.HeartbeatIntervalMs = Math.Max(100, config.SessionTimeoutMs.Value / 5);
        using var producer = kafka.CreateByteProducer(sink.ClientId + "-watchdog");
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config)
            .SetPartitionsAssignedHandler((_, parts) => OnAssigned(parts))
            .SetPartitionsRevokedHandler((_, parts) => OnReleased(parts.Count, "revoked"))
            .SetPartitionsLostHandler((_, parts) => OnReleased(parts.Count, "lost"))
            .SetErrorHandler((_, e) => log.Log(e.IsFatal ? LogLevel.Critical : LogLevel.Warning, "watchdog kafka: {Reason}", e.Reason))
            .Build();
        consumer.Subscribe(options.Topic);
        log.LogInformation("watchdog: waiting for topology heartbeats on {Topic} (timeout {Timeout}, group {Group})", options.Topic, options.Timeout, ConsumerGroup);
        var deliveries = new List<Task>();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                ConsumeResult<byte[], byte[]>? record = null;
                try
                {
                    record = consumer.Consume(options.CheckEvery);
                }
                catch (ConsumeException ex)
                {
                    log.LogWarning("watchdog: consume failed: {Reason}", ex.Error.Reason);
                }
                lock (_gate)
                {
                    if (_monitor is not { } monitor) continue;
                    _catchUpTo ??= consumer.Assignment.ToDictionary(tp => tp.Partition.Value,
                        tp => consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value);
                    if (record is { IsPartitionEOF: false }) Apply(monitor, record);
                    if (!_caughtUp && _catchUpTo.All(p => p.Value <= 0 || (_readUpTo.TryGetValue(p.Key, out var read) && read + 1 >= p.Value)))
                    {
                        _caughtUp = true;
                        log.LogInformation("watchdog: caught up, this sink instance watches the topology; last notified: {Episode}",
                            monitor.Notified is { } n ? $"{n.State} {n.MessageId} at {n.NotifiedAt:u}" : "nothing");
                    }
                    if (_caughtUp && monitor.Due() is { } notice)
                    {
                        deliveries.RemoveAll(t => t.IsCompleted);
                        deliveries.Add(DeliverAsync(monitor, notice, producer, stop));
                    }
                }
            }
        }
        finally
        {
            try { consumer.Close(); } catch (KafkaException ex) { log.LogWarning("watchdog: closing the consumer: {Reason}", ex.Error.Reason); }
            await Task.WhenAll(deliveries).ConfigureAwait(false);
        }
    }

    private IEnumerable<TopicPartitionOffset> OnAssigned(List<TopicPartition> parts)
    {
        // Cooperative rebalancing tells every member of its (incremental) assignment, also when it is empty.
        if (parts.Count == 0) return [];
        lock (_gate)
        {
            _monitor = new HeartbeatMonitor(options, clock);
            _catchUpTo = null;
            _readUpTo.Clear();
            _caughtUp = false;
        }
        log.LogInformation("watchdog: assigned {Partitions}: reading the watchdog topic from its start", string.Join(", ", parts));
        // From the start every time: what matters is on the (compacted) topic, not in a committed offset.
        return parts.Select(p => new TopicPartitionOffset(p, Offset.Beginning));
    }

    private void OnReleased(int count, string how)
    {
        if (count == 0) return;
        lock (_gate) _monitor = null;
        log.LogInformation("watchdog: partition {How}: the watchdog moves to another sink instance", how);
    }

    private void Apply(HeartbeatMonitor monitor, ConsumeResult<byte[], byte[]> record)
    {
        _readUpTo[record.Partition.Value] = record.Offset.Value;
        var key = record.Message.Key is { } k ? System.Text.Encoding.UTF8.GetString(k) : "";
        if (record.Message.Value is not { Length: > 0 } value) return; // a tombstone: a task retired by hand
        try
        {
            if (key.StartsWith(TopologyHeartbeat.KeyPrefix, StringComparison.Ordinal))
                monitor.Heard(key, GdsJson.Deserialize<TopologyHeartbeat>(value), live: _caughtUp);
            else if (key == WatchdogEpisode.Key)
                monitor.Read(GdsJson.Deserialize<WatchdogEpisode>(value));
        }
        catch (RecordFormatException ex)
        {
            log.LogWarning("watchdog: {Topic} [{Partition}] @{Offset} ignored: {Error}", record.Topic, record.Partition.Value, record.Offset.Value, ex.Message);
        }
    }

    private async Task DeliverAsync(HeartbeatMonitor monitor, WatchdogNotice notice, IProducer<byte[], byte[]> producer, CancellationToken stop)
    {
        if (notice.IsPage) log.LogCritical("watchdog: {Subject}: sending {Notice}", notice.Request.Subject, notice);
        else log.LogInformation("watchdog: topology heartbeats are back: sending {Notice}", notice);
        try
        {
            var route = notice.Request.RoutingKey ?? sink.DefaultRoute;
            var outcome = await delivery.DeliverAsync(new Notification(notice.Request, route, []), stop).ConfigureAwait(false);
            if (outcome.Delivered)
                log.LogInformation("watchdog: {Notice} delivered ({Attempts} attempt(s))", notice, outcome.Attempts);
            else // a refusal is not retried (it would be refused again): the episode counts as notified, and says so loudly
                log.LogCritical("watchdog: gds_notification refused {Notice}: {Reason}", notice, outcome.DeadLetter?.Error);
            await producer.ProduceAsync(options.Topic, new Message<byte[], byte[]>
            {
                Key = System.Text.Encoding.UTF8.GetBytes(WatchdogEpisode.Key),
                Value = GdsJson.Serialize(notice.Episode),
            }, stop).ConfigureAwait(false);
            lock (_gate) monitor.Delivered(notice);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            lock (_gate) monitor.Abandoned(notice);
            log.LogInformation("watchdog: {Notice} abandoned at shutdown; the next run sends it", notice);
        }
        catch (Exception ex)
        {
            lock (_gate) monitor.Abandoned(notice);
            log.LogError(ex, "watchdog: {Notice} failed; retrying on the next check", notice);
        }
    }
}
