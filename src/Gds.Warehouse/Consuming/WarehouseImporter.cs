using System.Diagnostics;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Gds.Contracts.Metrics.Catalog;
using Gds.Kafka.Clients;
using Gds.Telemetry.Lag;
using Gds.Telemetry.Readings;
using Gds.Warehouse.Dimensions;
using Gds.Warehouse.Loading;
using Gds.Warehouse.Retention;
using Gds.Warehouse.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gds.Warehouse.Consuming;

/// <summary>
/// The consumer side of `gds dw-import`: reads every metric topic in consumer group gds-dw-importer, batches
/// the samples, loads each batch and only then commits the batch's offsets. At-least-once delivery plus an
/// idempotent load gives each sample exactly one row, whatever crashes in between.
/// While one batch loads the next one fills (one load in flight at most), so parsing and loading overlap.
/// </summary>
public sealed class WarehouseImporter : IDisposable
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);

    private readonly KafkaClientFactory _clients;
    private readonly IWarehouseLoader _loader;
    private readonly IRetentionEnforcer? _retention;
    private readonly ImporterOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ImportHooks _hooks;
    private readonly MetricRecordReader _reader;
    private readonly BatchBuilder _builder;
    private readonly HashSet<TopicPartition> _assigned = [];
    private readonly HashSet<TopicPartition> _atEnd = [];
    private IConsumer<byte[], byte[]>? _consumer;
    private DeadLetterPublisher? _deadLetters;
    private (ImportBatch Batch, Task<LoadResult> Load, long Started)? _inFlight;

    /// <summary>
    /// Set once a batch failed: from then on nothing is loaded or committed, not even while the consumer closes
    /// (which revokes the partitions): committing a later batch would move the offsets past the failed one.
    /// </summary>
    private bool _faulted;

    private readonly ConsumerStageTimes _stages = new();

    public ImportMetrics Metrics { get; } = new();

    /// <summary>Lag of the importer's consumer per assigned partition (/metrics, readiness and the progress log).</summary>
    public ConsumerLag ConsumerLag { get; } = new(TelemetryMetric.Of(PipelineMetrics.WarehouseConsumerLag));

    public WarehouseImporter(KafkaClientFactory clients, IWarehouseLoader loader, IRetentionEnforcer? retention,
        IOptions<ImporterOptions> options, ILogger<WarehouseImporter> logger, TimeProvider? time = null, ImportHooks? hooks = null)
    {
        _clients = clients;
        _loader = loader;
        _retention = retention;
        _options = options.Value;
        var invalid = new ImporterOptionsValidator().Validate(null, _options);
        if (invalid.Failed) throw new OptionsValidationException(nameof(ImporterOptions), typeof(ImporterOptions), invalid.Failures);
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _hooks = hooks ?? ImportHooks.None;
        _reader = new MetricRecordReader(_time, _options.MaxFutureSkew);
        _builder = new BatchBuilder(_options.Batch, new DimensionRegistry(), _time);
    }

    /// <summary>
    /// Imports until cancelled or, with <paramref name="drain"/>, until every assigned partition has been read to
    /// its end and loaded. Throws when a batch cannot be loaded: its offsets stay uncommitted for the next run.
    /// </summary>
    public async Task<ImportTotals> RunAsync(bool drain, CancellationToken ct)
    {
        using var producer = _clients.CreateByteProducer(_options.ClientId + "-dlq");
        _deadLetters = new DeadLetterPublisher(producer, _time);
        var config = _clients.ConsumerConfig(_options.GroupId, _options.ClientId);
        config.EnablePartitionEof = true;
        // New environments and database types get topics while the importer runs; see them within 30 s.
        config.TopicMetadataRefreshIntervalMs = 30_000;
        config.SessionTimeoutMs = (int)_options.SessionTimeout.TotalMilliseconds;
        config.HeartbeatIntervalMs = Math.Max(100, config.SessionTimeoutMs.Value / 5);
        // librdkafka postpones a partition's next fetch by fetch.queue.backoff.ms (1 s) once its prefetch queue
        // is full; while a batch is parsed that queue drains and the consumer sat idle for most of that second.
        // Measured on the embedded broker: 88k → 180k records/s read and parsed.
        config.Set("fetch.queue.backoff.ms", "10");
        config.FetchMaxBytes = 64 * 1024 * 1024;
        // The record's timestamp is never read here; not marshalling it saves a native call per record.
        config.ConsumeResultFields = "topic,headers";
        config.MaxPartitionFetchBytes = 8 * 1024 * 1024;
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config)
            .SetPartitionsAssignedHandler((_, parts) => OnAssigned(parts))
            .SetPartitionsRevokedHandler((_, parts) => OnRevoked(parts))
            .SetPartitionsLostHandler((_, parts) => OnLost(parts))
            .SetErrorHandler((_, e) => _logger.Log(e.IsFatal ? LogLevel.Error : LogLevel.Warning, "Kafka: {Reason} ({Code})", e.Reason, e.Code))
            .Build();
        _consumer = consumer;
        // Disposed before the consumer (reverse order): a scrape never reads a closed consumer.
        using var lagTracking = ConsumerLag.Track(consumer);
        using var retentionStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var retentionLoop = RetentionLoopAsync(retentionStop.Token);
        try
        {
            if (drain && !AnyMetricTopic(consumer))
            {
                _logger.LogInformation("No topic matches {Pattern}: nothing to import", _options.TopicPattern);
                return Metrics.Totals;
            }
            consumer.Subscribe(_options.TopicPattern);
            _logger.LogInformation("Importing topics matching {Pattern} as consumer group {Group}", _options.TopicPattern, _options.GroupId);
            try
            {
                await ConsumeLoopAsync(consumer, drain, ct);
            }
            catch
            {
                _faulted = true;
                throw;
            }
            return Metrics.Totals;
        }
        finally
        {
            await retentionStop.CancelAsync();
            await retentionLoop;
            if (_inFlight is { } pending)
            {
                // Cancelled or failed mid-way: a load that still completes is fine (the next run skips its rows as
                // duplicates), but nothing is committed for it here.
                try { await pending.Load; } catch { /* reported by the caller's exception */ }
                _inFlight = null;
            }
            try { consumer.Close(); }
            catch (Exception ex) { _logger.LogDebug(ex, "closing the consumer failed"); }
            _consumer = null;
        }
    }

    private async Task ConsumeLoopAsync(IConsumer<byte[], byte[]> consumer, bool drain, CancellationToken ct)
    {
        var nextProgress = _time.GetTimestamp();
        var started = _time.GetTimestamp();
        var lastRows = 0L;
        var horizon = _options.Retention.Horizon(_time.GetUtcNow());
        var horizonAt = _time.GetTimestamp();
        while (!ct.IsCancellationRequested)
        {
            var at = Stopwatch.GetTimestamp();
            var record = consumer.Consume(PollTimeout);
            _stages.AddConsume(at);
            if (record is not null)
            {
                if (record.IsPartitionEOF) _atEnd.Add(record.TopicPartition);
                else
                {
                    at = Stopwatch.GetTimestamp();
                    _atEnd.Remove(record.TopicPartition);
                    Accept(record, horizon);
                    _stages.AddRead(at);
                }
            }

            if (_builder.IsFull || _builder.IsDue) await DispatchAsync();
            else if (_inFlight is { Load.IsCompleted: true }) await CompleteInFlightAsync();

            if (_time.GetElapsedTime(horizonAt) > TimeSpan.FromSeconds(1))
            {
                horizon = _options.Retention.Horizon(_time.GetUtcNow());
                horizonAt = _time.GetTimestamp();
                Metrics.Lag(ConsumerLag.Total);
            }
            if (_time.GetTimestamp() >= nextProgress && _time.GetElapsedTime(started) > TimeSpan.FromSeconds(1))
            {
                lastRows = LogProgress(lastRows, _options.ProgressInterval);
                nextProgress = _time.GetTimestamp() + (long)(_options.ProgressInterval.TotalSeconds * Stopwatch.Frequency);
            }

            if (drain && DrainDone(started))
            {
                await FlushAllAsync();
                if (_assigned.Count == 0 || CaughtUp())
                {
                    Metrics.Lag(ConsumerLag.Total);
                    var t = Metrics.Totals;
                    _logger.LogInformation(
                        "Caught up: {Rows} rows in {Batches} batches ({Inserted} new, {Duplicates} already loaded), {DeadLettered} dead-lettered, {Expired} expired, in {Elapsed:0.0} s",
                        t.Rows, t.Batches, t.Inserted, t.Duplicates, t.DeadLettered, t.Expired, _time.GetElapsedTime(started).TotalSeconds);
                    return;
                }
            }
        }
        // Cancelled (Ctrl-C, SIGTERM): finish the load in flight and commit it; the unsealed batch is read again
        // by the next run.
        await CompleteInFlightAsync();
    }

    private void Accept(ConsumeResult<byte[], byte[]> record, DateTimeOffset? horizon)
    {
        _builder.Track(record.TopicPartitionOffset);
        var read = _reader.Read(record);
        if (read.Error is { } error)
        {
            _logger.LogWarning("Malformed record at {Topic}[{Partition}]@{Offset} sent to the DLQ: {Error}",
                record.Topic, record.Partition.Value, record.Offset.Value, error);
            _builder.AddDeadLetter(_deadLetters!.PublishAsync(record, error));
            Metrics.DeadLettered();
            return;
        }
        if (horizon is { } h && read.Metric!.Timestamp < h)
        {
            _builder.AddExpired();
            return;
        }
        _builder.Add(read.Metric!, read.Environment);
    }

    /// <summary>Seals the current batch and starts loading it, after the previous load finished and was committed.</summary>
    private async Task DispatchAsync()
    {
        if (_builder.IsEmpty) return;
        var batch = _builder.Seal();
        var waitFrom = Stopwatch.GetTimestamp();
        await CompleteInFlightAsync();
        _stages.AddWaitForLoad(waitFrom);
        var (consumeMs, readMs, waitMs) = _stages.TakeMilliseconds();
        _logger.LogDebug("Batch {Sequence} sealed with {Rows} rows: consumer thread spent {ConsumeMs:0} ms in Kafka consume, {ReadMs:0} ms reading records, {WaitMs:0} ms waiting for the previous load",
            batch.Sequence, batch.Rows.Count, consumeMs, readMs, waitMs);
        var loader = _loader;
        // The load is not cancelled with the importer: a half-done load is rolled back anyway, and letting it
        // finish lets a clean shutdown commit it.
        _inFlight = (batch, Task.Run(() => loader.LoadAsync(batch, CancellationToken.None), CancellationToken.None), _time.GetTimestamp());
    }

    /// <summary>Waits for the load in flight, its dead letters, then commits its offsets.</summary>
    private async Task CompleteInFlightAsync()
    {
        if (_inFlight is not { } f) return;
        _inFlight = null;
        var result = await f.Load;
        var took = _time.GetElapsedTime(f.Started);
        // A dead letter that failed to send must not be skipped over: fail before the commit.
        await Task.WhenAll(f.Batch.DeadLetters);
        if (_hooks.AfterLoad is { } hook) await hook(f.Batch, result);
        Commit(f.Batch);
        Metrics.BatchLoaded(result.Inserted, result.Duplicates, took);
        Metrics.Expired(f.Batch.Expired);
        _logger.LogDebug("Batch {Sequence}: {Rows} rows ({Inserted} new) loaded in {Ms} ms and committed",
            f.Batch.Sequence, f.Batch.Rows.Count, result.Inserted, (long)took.TotalMilliseconds);
    }

    /// <summary>Loads everything consumed so far and commits it.</summary>
    private async Task FlushAllAsync()
    {
        await DispatchAsync();
        await CompleteInFlightAsync();
    }

    private void Commit(ImportBatch batch)
    {
        if (_consumer is null || batch.Offsets.Count == 0) return;
        // Only partitions still ours: a partition lost in a rebalance is committed by its new owner.
        var offsets = batch.Offsets.Where(o => _assigned.Contains(o.TopicPartition)).ToList();
        if (offsets.Count == 0) return;
        try
        {
            _consumer.Commit(offsets);
        }
        catch (KafkaException ex)
        {
            // The rows are loaded; an uncommitted offset only means they are read again and skipped as duplicates.
            _logger.LogWarning("Committing offsets failed ({Error}); the batch will be re-read and deduplicated", ex.Error.Reason);
        }
    }

    private void OnAssigned(IEnumerable<TopicPartition> partitions)
    {
        var list = partitions.ToList();
        _assigned.UnionWith(list);
        if (list.Count > 0)
            _logger.LogInformation("Assigned {Count} partitions: {Partitions}", list.Count, string.Join(", ", list.Select(p => $"{p.Topic}[{p.Partition.Value}]")));
    }

    private void OnRevoked(IEnumerable<TopicPartitionOffset> partitions)
    {
        var list = partitions.Select(p => p.TopicPartition).ToList();
        if (list.Count == 0) return;
        // Still the owner here: load and commit what was read from them so the next owner starts after it.
        if (!_faulted)
        {
            try
            {
                FlushAllAsync().GetAwaiter().GetResult();
            }
            catch
            {
                _faulted = true;
                throw;
            }
        }
        _assigned.ExceptWith(list);
        _atEnd.ExceptWith(list);
        _logger.LogInformation("Revoked {Count} partitions", list.Count);
    }

    private void OnLost(IEnumerable<TopicPartitionOffset> partitions)
    {
        var list = partitions.Select(p => p.TopicPartition).ToList();
        _assigned.ExceptWith(list);
        _atEnd.ExceptWith(list);
        _builder.Forget(list);
        _logger.LogWarning("Lost {Count} partitions (session timed out); their records will be re-read by the next owner", list.Count);
    }

    private bool CaughtUp() => _assigned.Count > 0 && _assigned.IsSubsetOf(_atEnd) && _builder.IsEmpty && _inFlight is null;

    private bool DrainDone(long started)
    {
        if (_assigned.Count == 0)
        {
            if (_time.GetElapsedTime(started) < _options.DrainAssignmentTimeout) return false;
            _logger.LogWarning("No partition was assigned within {Timeout}: other members of group {Group} own them all", _options.DrainAssignmentTimeout, _options.GroupId);
            return true;
        }
        return _assigned.IsSubsetOf(_atEnd);
    }

    private bool AnyMetricTopic(IConsumer<byte[], byte[]> consumer)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var pattern = new Regex(_options.TopicPattern);
        return admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Any(t => pattern.IsMatch(t.Topic));
    }

    private long LogProgress(long lastRows, TimeSpan interval)
    {
        var t = Metrics.Totals;
        _logger.LogInformation(
            "Progress: {Rows} rows in {Batches} batches ({Inserted} new, {Duplicates} already loaded, {Rate:0}/s), {DeadLettered} dead-lettered, {Expired} expired, lag {Lag}",
            t.Rows, t.Batches, t.Inserted, t.Duplicates, (t.Rows - lastRows) / interval.TotalSeconds, t.DeadLettered, t.Expired, t.Lag < 0 ? "unknown" : t.Lag);
        return t.Rows;
    }

    private async Task RetentionLoopAsync(CancellationToken ct)
    {
        if (_retention is null || _options.Retention.Days is null) return;
        await Task.Yield();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var horizon = _options.Retention.Horizon(_time.GetUtcNow())!.Value;
                var dropped = await _retention.DropOlderThanAsync(horizon, ct);
                if (dropped.Count > 0) _logger.LogInformation("Retention ({Days} days) dropped {Count} day partitions", _options.Retention.Days, dropped.Count);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                _logger.LogWarning("Retention run failed: {Error}; trying again in {Interval}", ex.Message, _options.Retention.Interval);
            }
            try { await Task.Delay(_options.Retention.Interval, _time, ct); }
            catch (OperationCanceledException) { return; }
        }
    }

    public void Dispose() => Metrics.Dispose();
}
