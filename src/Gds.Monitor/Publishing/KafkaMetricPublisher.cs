using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Gds.Contracts.Heartbeats;
using Gds.Contracts.Serialization;
using Gds.Contracts.Topics;
using Gds.Kafka.Clients;
using Gds.Kafka.Wire;
using Gds.Monitor.Publishing.Spool;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gds.Monitor.Publishing;

/// <summary>
/// Publishes samples to Kafka through an idempotent acks=all producer, with the <see cref="DiskSpool"/> as its queue:
/// every sample is appended to the spool first and leaves it only when Kafka has acknowledged it. While Kafka is
/// reachable a sample spends milliseconds there; while it is not, the spool fills (bounded, oldest dropped and
/// counted) and drains in order when Kafka returns. Order per instance holds because one pump hands records to the
/// producer in spool order and the idempotent producer keeps per-partition order through its retries; the producer's
/// message timeout is infinite, so it never gives a record up and no record can overtake another by being re-queued.
/// At most <see cref="PublisherOptions.MaxInFlight"/> records are in the producer's memory at once.
/// </summary>
public sealed class KafkaMetricPublisher : IMetricPublisher, IHeartbeatSink
{
    private readonly DiskSpool _spool;
    private readonly KafkaClientFactory _clients;
    private readonly PublisherOptions _options;
    private readonly ILogger _logger;
    private readonly AsyncSignal _wake = new();
    private readonly AsyncSignal _acked = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Counters _stats;
    private readonly Task _pump;
    private IProducer<byte[], byte[]> _producer;
    private int _generation;
    private int _inFlight;
    private volatile bool _fatal;
    private int _heartbeatInFlight;
    // The spool entry read but not yet handed to the producer because the schema registry did not answer.
    private SpoolEntry? _held;
    private readonly RegistryOutage _outage;

    public KafkaMetricPublisher(KafkaClientFactory clients, IOptions<PublisherOptions> options, ILogger<KafkaMetricPublisher>? logger = null)
    {
        _clients = clients;
        _options = options.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _spool = new DiskSpool(_options.SpoolDirectory, _options.SpoolMaxBytes, _options.SpoolSegmentBytes, _logger);
        _spool.Committed += _wake.Set;
        _stats = new Counters(this);
        _outage = new RegistryOutage(_logger, "samples wait in the spool");
        _producer = BuildProducer();
        _pump = Task.Factory.StartNew(PumpAsync, TaskCreationOptions.LongRunning).Unwrap();
    }

    public PublisherStatistics Statistics => _stats;

    public ValueTask PublishAsync(Metric metric, CancellationToken cancellationToken = default)
    {
        if (Accept(metric)) _spool.Commit();
        return ValueTask.CompletedTask;
    }

    public ValueTask PublishAsync(IReadOnlyList<Metric> metrics, CancellationToken cancellationToken = default)
    {
        var any = false;
        foreach (var m in metrics) any |= Accept(m);
        if (any) _spool.Commit();
        return ValueTask.CompletedTask;
    }

    private bool Accept(Metric metric)
    {
        if (!MetricRecords.IsPublishable(metric))
        {
            Interlocked.Increment(ref _stats.RejectedCount);
            _logger.LogDebug("rejected {Metric} of {Instance}: {Value} is not a finite number", metric.MetricName, metric.InstanceId, metric.Value);
            return false;
        }
        _spool.Append(MetricRecords.ToRecord(metric));
        Interlocked.Increment(ref _stats.AcceptedCount);
        return true;
    }

    public async Task<bool> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var target = _spool.NextSequence;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var next = _acked.Next;
                if (_spool.LowestOutstanding() >= target) return true;
                await next.WaitAsync(cts.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Sends a heartbeat straight to gds.heartbeats, not through the spool: a heartbeat only says "alive now", and
    /// that topic keeps the latest per collector. While one is still undelivered the next is skipped.
    /// </summary>
    public void TrySend(Heartbeat heartbeat)
    {
        if (Interlocked.CompareExchange(ref _heartbeatInFlight, 1, 0) != 0) return;
        try
        {
            _producer.Produce(TopicNames.Heartbeats,
                new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(heartbeat.CollectorId), Value = _clients.Codec.Encode(TopicNames.Heartbeats, heartbeat) },
                _ => Volatile.Write(ref _heartbeatInFlight, 0));
        }
        catch (Exception ex) when (ex is KafkaException or ObjectDisposedException or SchemaRegistryUnavailableException)
        {
            Volatile.Write(ref _heartbeatInFlight, 0);
            _logger.LogDebug("heartbeat not sent: {Error}", ex.Message);
        }
    }

    private IProducer<byte[], byte[]> BuildProducer()
    {
        var config = _clients.ProducerConfig(_options.ClientId);
        // Never give a record up: a timed-out record would have to be re-queued behind newer ones, breaking order.
        config.MessageTimeoutMs = 0;
        config.QueueBufferingMaxMessages = Math.Max(100_000, _options.MaxInFlight * 2);
        config.ReconnectBackoffMaxMs = (int)_options.ReconnectBackoffMax.TotalMilliseconds;
        config.ReconnectBackoffMs = Math.Min(100, config.ReconnectBackoffMaxMs.Value);
        return new ProducerBuilder<byte[], byte[]>(config)
            .SetErrorHandler((_, e) =>
            {
                if (e.IsFatal)
                {
                    _logger.LogError("Kafka producer failed for good ({Code}: {Reason}); starting a new one and resending from the spool", e.Code, e.Reason);
                    _fatal = true;
                    _wake.Set();
                }
                else
                {
                    _logger.LogDebug("Kafka: {Code}: {Reason}", e.Code, e.Reason);
                }
            })
            .SetLogHandler((_, m) =>
            {
                if (m.Level <= SyslogLevel.Error) _logger.LogDebug("librdkafka {Facility}: {Message}", m.Facility, m.Message);
            })
            .Build();
    }

    private async Task PumpAsync()
    {
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            var next = _wake.Next;
            if (_fatal)
            {
                ReplaceProducer();
                continue;
            }
            SpoolEntry entry;
            if (_held is { } held) entry = held;
            else if (Volatile.Read(ref _inFlight) >= _options.MaxInFlight || !_spool.TryRead(out entry))
            {
                try { await next.WaitAsync(stop).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
                continue;
            }
            // The spool keeps JSON; the wire format is applied on the way out, so a spool written before a switch to
            // Avro (or while the registry was down) is sent in the format in force now.
            byte[] value;
            try
            {
                value = _clients.Codec.Encode(entry.Record.Topic, entry.Record.Value);
                _held = null;
                _outage.Recovered();
            }
            catch (SchemaRegistryUnavailableException ex)
            {
                // Nothing is lost: the sample waits in the spool (and behind it every later one, keeping their order).
                _outage.Failed(ex);
                _held = entry;
                try { await Task.Delay(RegistryOutage.RetryEvery, stop).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
                continue;
            }
            catch (RecordFormatException ex)
            {
                _held = null;
                Fail(entry, "schema", ex.Message);
                continue;
            }
            Interlocked.Increment(ref _inFlight);
            var generation = _generation;
            try
            {
                _producer.Produce(entry.Record.Topic, new Message<byte[], byte[]> { Key = entry.Record.Key, Value = value },
                    report => OnDelivered(entry, report, generation));
            }
            catch (ProduceException<byte[], byte[]> ex)
            {
                // Only a local refusal (e.g. an invalid topic name) lands here; it will not get better by retrying.
                Interlocked.Decrement(ref _inFlight);
                Fail(entry, ex.Error.Code.ToString(), ex.Error.Reason);
            }
        }
    }

    private void OnDelivered(SpoolEntry entry, DeliveryReport<byte[], byte[]> report, int generation)
    {
        if (report.Error.Code == ErrorCode.NoError)
        {
            _spool.Ack(entry);
            Interlocked.Increment(ref _stats.DeliveredCount);
        }
        else if (generation != Volatile.Read(ref _generation) || report.Error.Code is ErrorCode.Local_PurgeQueue or ErrorCode.Local_PurgeInflight or ErrorCode.Local_Destroy)
        {
            // From a producer that was replaced or shut down: the record is still in the spool and will be resent.
        }
        else if (report.Error.IsFatal)
        {
            _fatal = true;
        }
        else
        {
            Fail(entry, report.Error.Code.ToString(), report.Error.Reason);
        }
        if (generation == Volatile.Read(ref _generation)) Interlocked.Decrement(ref _inFlight);
        _wake.Set();
        _acked.Set();
    }

    private void Fail(SpoolEntry entry, string code, string reason)
    {
        _logger.LogError("Kafka refused a sample of {Instance} for {Topic} for good: {Code}: {Reason}; it is counted in gds_collector_publish_failed_samples_total",
            entry.Record.KeyText, entry.Record.Topic, code, reason);
        _stats.CountFailure(entry.Record.KeyText);
        _spool.Ack(entry);
        _acked.Set();
    }

    private void ReplaceProducer()
    {
        _fatal = false;
        var old = _producer;
        Interlocked.Increment(ref _generation);
        try { old.Dispose(); } catch (Exception ex) { _logger.LogDebug("disposing the failed producer: {Error}", ex.Message); }
        Volatile.Write(ref _inFlight, 0);
        _held = null; // read again from the rewound spool
        _spool.Rewind();
        _producer = BuildProducer();
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        await _pump.ConfigureAwait(false);
        // Records not yet acknowledged stay in the spool files; the next process sends them.
        try { _producer.Flush(TimeSpan.FromSeconds(1)); } catch (KafkaException) { }
        Interlocked.Increment(ref _generation);
        _producer.Dispose();
        _spool.Dispose();
        _stop.Dispose();
    }

    private sealed class Counters(KafkaMetricPublisher owner) : PublisherStatistics
    {
        public long AcceptedCount;
        public long DeliveredCount;
        public long RejectedCount;
        private long _failed;
        private readonly ConcurrentDictionary<string, long> _failedByInstance = new(StringComparer.Ordinal);

        public override long Accepted => Interlocked.Read(ref AcceptedCount);
        public override long Delivered => Interlocked.Read(ref DeliveredCount);
        public override long Pending => owner._spool.Pending;
        public override long RejectedNonFinite => Interlocked.Read(ref RejectedCount);
        public override long DroppedFromSpool => owner._spool.Dropped;
        public override long Failed => Interlocked.Read(ref _failed);
        public override long SpoolBytes => owner._spool.Bytes;
        public override long DroppedFromSpoolFor(string instanceId) => owner._spool.DroppedFor(instanceId);
        public override long FailedFor(string instanceId) => _failedByInstance.GetValueOrDefault(instanceId);

        public void CountFailure(string instanceId)
        {
            Interlocked.Increment(ref _failed);
            _failedByInstance.AddOrUpdate(instanceId, 1, (_, n) => n + 1);
        }
    }
}

/// <summary>Where the heartbeat loop sends heartbeats.</summary>
public interface IHeartbeatSink
{
    void TrySend(Heartbeat heartbeat);
}
