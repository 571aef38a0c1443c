using System.Diagnostics.Metrics;

namespace Gds.Warehouse.Telemetry;

/// <summary>
/// The importer's progress as process metrics (System.Diagnostics.Metrics meter "Gds.Warehouse": readable with
/// dotnet-counters and exported by any OpenTelemetry or prometheus-net listener in the process) and as running
/// totals for the progress log and the benchmark.
/// </summary>
public sealed class ImportMetrics : IDisposable
{
    public const string MeterName = "Gds.Warehouse";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _rows;
    private readonly Counter<long> _batches;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _expired;
    private readonly Histogram<double> _loadSeconds;
    private long _inserted, _duplicates, _batchCount, _deadLetterCount, _expiredCount, _lag = -1;
    private double _loadSecondsTotal;

    public ImportMetrics()
    {
        _rows = _meter.CreateCounter<long>("gds.dw.rows", "{row}", "Fact rows loaded; result=inserted or duplicate (already in the warehouse)");
        _batches = _meter.CreateCounter<long>("gds.dw.batches", "{batch}", "Batches loaded and committed");
        _deadLettered = _meter.CreateCounter<long>("gds.dw.dead_lettered", "{record}", "Malformed records sent to gds.metrics.dlq");
        _expired = _meter.CreateCounter<long>("gds.dw.expired", "{record}", "Samples older than retention, skipped");
        _loadSeconds = _meter.CreateHistogram<double>("gds.dw.batch.load_duration", "s", "Time to load one batch into the warehouse");
        _meter.CreateObservableGauge("gds.dw.consumer.lag", () => Interlocked.Read(ref _lag), "{record}", "Records in the assigned partitions not read yet");
    }

    public void BatchLoaded(long inserted, long duplicates, TimeSpan took)
    {
        _rows.Add(inserted, new KeyValuePair<string, object?>("result", "inserted"));
        _rows.Add(duplicates, new KeyValuePair<string, object?>("result", "duplicate"));
        _batches.Add(1);
        _loadSeconds.Record(took.TotalSeconds);
        Interlocked.Add(ref _inserted, inserted);
        Interlocked.Add(ref _duplicates, duplicates);
        Interlocked.Increment(ref _batchCount);
        lock (_meter) _loadSecondsTotal += took.TotalSeconds;
    }

    public void DeadLettered()
    {
        _deadLettered.Add(1);
        Interlocked.Increment(ref _deadLetterCount);
    }

    public void Expired(int count)
    {
        if (count == 0) return;
        _expired.Add(count);
        Interlocked.Add(ref _expiredCount, count);
    }

    public void Lag(long lag) => Interlocked.Exchange(ref _lag, lag);

    public ImportTotals Totals
    {
        get
        {
            double load;
            lock (_meter) load = _loadSecondsTotal;
            return new ImportTotals(Interlocked.Read(ref _inserted), Interlocked.Read(ref _duplicates), Interlocked.Read(ref _batchCount),
                Interlocked.Read(ref _deadLetterCount), Interlocked.Read(ref _expiredCount), Interlocked.Read(ref _lag), TimeSpan.FromSeconds(load));
        }
    }

    public void Dispose() => _meter.Dispose();
}

/// <summary>Running totals since the importer started. Lag is -1 until it is known.</summary>
public readonly record struct ImportTotals(long Inserted, long Duplicates, long Batches, long DeadLettered, long Expired, long Lag, TimeSpan LoadTime)
{
    public long Rows => Inserted + Duplicates;
}
