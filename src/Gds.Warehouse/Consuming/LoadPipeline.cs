using Gds.Warehouse.Dimensions;
using Gds.Warehouse.Telemetry;

namespace Gds.Warehouse.Consuming;

/// <summary>
/// From consumed record to committed offset: reads each record (dead-lettering the malformed ones), batches the
/// samples, loads a sealed batch while the next one fills (one load in flight at most), and commits a batch's
/// offsets only once its load and its dead letters are durable, and only for partitions still owned.
/// Only the consume thread calls it.
/// </summary>
internal sealed class LoadPipeline
{
    private readonly IWarehouseLoader _loader;
    private readonly TimeProvider _time;
    private readonly ImportHooks _hooks;
    private readonly ImportMetrics _metrics;
    private readonly PartitionTracker _partitions;
    private readonly ILogger _logger;
    private readonly MetricRecordReader _reader;
    private readonly BatchBuilder _builder;
    private readonly ConsumerStageTimes _stages;
    private (ImportBatch Batch, Task<LoadResult> Load, long Started)? _inFlight;

    public LoadPipeline(IWarehouseLoader loader, ImporterOptions options, TimeProvider time, ImportHooks hooks, ImportMetrics metrics,
        PartitionTracker partitions, ConsumerStageTimes stages, ILogger logger, Gds.Kafka.Wire.RecordCodec codec)
    {
        _loader = loader;
        _time = time;
        _hooks = hooks;
        _metrics = metrics;
        _partitions = partitions;
        _stages = stages;
        _logger = logger;
        _reader = new MetricRecordReader(time, options.MaxFutureSkew, codec);
        _builder = new BatchBuilder(options.Batch, new DimensionRegistry(), time);
    }

    /// <summary>Where offsets are committed and dead letters sent; set for one run of the importer.</summary>
    public IConsumer<byte[], byte[]>? Consumer { get; set; }
    public DeadLetterPublisher? DeadLetters { get; set; }

    /// <summary>
    /// Set once a batch failed: from then on nothing is loaded or committed, not even while the consumer closes
    /// (which revokes the partitions): committing a later batch would move the offsets past the failed one.
    /// </summary>
    public bool Faulted { get; set; }

    public bool ShouldDispatch => _builder.IsFull || _builder.IsDue;

    public bool LoadFinished => _inFlight is { Load.IsCompleted: true };

    /// <summary>Nothing read is waiting to be loaded or committed.</summary>
    public bool Idle => _builder.IsEmpty && _inFlight is null;

    public void Accept(ConsumeResult<byte[], byte[]> record, DateTimeOffset? horizon)
    {
        _builder.Track(record.TopicPartitionOffset);
        var read = _reader.Read(record);
        if (read.Error is { } error)
        {
            _logger.LogWarning("Malformed record at {Topic}[{Partition}]@{Offset} sent to the DLQ: {Error}",
                record.Topic, record.Partition.Value, record.Offset.Value, error);
            _builder.AddDeadLetter(DeadLetters!.PublishAsync(record, error));
            _metrics.DeadLettered();
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
    public async Task DispatchAsync()
    {
        if (_builder.IsEmpty) return;
        var batch = _builder.Seal();
        var waitFrom = _time.GetTimestamp();
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
    public async Task CompleteInFlightAsync()
    {
        if (_inFlight is not { } f) return;
        _inFlight = null;
        var result = await f.Load;
        var took = _time.GetElapsedTime(f.Started);
        // A dead letter that failed to send must not be skipped over: fail before the commit.
        await Task.WhenAll(f.Batch.DeadLetters);
        if (_hooks.AfterLoad is { } hook) await hook(f.Batch, result);
        Commit(f.Batch);
        _metrics.BatchLoaded(result.Inserted, result.Duplicates, took);
        _metrics.Expired(f.Batch.Expired);
        _logger.LogDebug("Batch {Sequence}: {Rows} rows ({Inserted} new) loaded in {Ms} ms and committed",
            f.Batch.Sequence, f.Batch.Rows.Count, result.Inserted, (long)took.TotalMilliseconds);
    }

    /// <summary>Loads everything consumed so far and commits it.</summary>
    public async Task FlushAllAsync()
    {
        await DispatchAsync();
        await CompleteInFlightAsync();
    }

    /// <summary>Cancelled or failed mid-way: waits out a load still running, but commits nothing for it.</summary>
    public async Task AbandonInFlightAsync()
    {
        if (_inFlight is not { } pending) return;
        // A load that still completes is fine (the next run skips its rows as duplicates).
        try { await pending.Load; } catch { /* reported by the caller's exception */ }
        _inFlight = null;
    }

    /// <summary>Partitions lost without a revocation: what was read from them is neither loaded nor committed here.</summary>
    public void Forget(IReadOnlyList<TopicPartition> partitions) => _builder.Forget(partitions);

    private void Commit(ImportBatch batch)
    {
        if (Consumer is null || batch.Offsets.Count == 0) return;
        // Only partitions still ours: a partition lost in a rebalance is committed by its new owner.
        var offsets = batch.Offsets.Where(o => _partitions.Owns(o.TopicPartition)).ToList();
        if (offsets.Count == 0) return;
        try
        {
            Consumer.Commit(offsets);
        }
        catch (KafkaException ex)
        {
            // The rows are loaded; an uncommitted offset only means they are read again and skipped as duplicates.
            _logger.LogWarning("Committing offsets failed ({Error}); the batch will be re-read and deduplicated", ex.Error.Reason);
        }
    }
}
