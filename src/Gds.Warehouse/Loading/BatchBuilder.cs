using Gds.Contracts.Metrics;
using Gds.Warehouse.Dimensions;

namespace Gds.Warehouse.Loading;

/// <summary>
/// Collects samples and consumed offsets until the batch is full by size or by age, then seals it into an
/// <see cref="ImportBatch"/>. Offsets are tracked for every record consumed, loaded or not (dead-lettered,
/// expired), so the commit after the load moves past all of them.
/// </summary>
public sealed class BatchBuilder(BatchOptions options, DimensionRegistry dimensions, TimeProvider time)
{
    private List<SampleRow> _rows = new(Math.Min(options.MaxRows, 1 << 20));
    private NewDimensionRows _dimensions = new();
    private HashSet<int> _days = [];
    private readonly Dictionary<TopicPartition, long> _offsets = new();
    private List<Task> _deadLetters = [];
    private int _expired;
    private long _startedAt = -1;
    private long _sequence;

    public BatchBuilder(BatchOptions options) : this(options, new DimensionRegistry(), TimeProvider.System) { }

    public int RowCount => _rows.Count;

    public bool IsEmpty => _rows.Count == 0 && _offsets.Count == 0 && _deadLetters.Count == 0;

    public void Add(Metric metric, string environment)
    {
        Touch();
        var row = dimensions.ToRow(metric, environment, _dimensions);
        _rows.Add(row);
        _days.Add(row.DateKey);
    }

    /// <summary>A sample deliberately not loaded (older than retention): counted, and its offset still moves on.</summary>
    public void AddExpired()
    {
        Touch();
        _expired++;
    }

    public void AddDeadLetter(Task delivery)
    {
        Touch();
        _deadLetters.Add(delivery);
    }

    public void Track(TopicPartitionOffset consumed)
    {
        Touch();
        _offsets[consumed.TopicPartition] = consumed.Offset.Value + 1;
    }

    /// <summary>Stops tracking partitions this consumer lost: their offsets belong to another member now.</summary>
    public void Forget(IEnumerable<TopicPartition> partitions)
    {
        foreach (var p in partitions) _offsets.Remove(p);
    }

    public bool IsFull => _rows.Count >= options.MaxRows;

    public bool IsDue => _startedAt >= 0 && time.GetElapsedTime(_startedAt) >= options.MaxDelay;

    public ImportBatch Seal()
    {
        var batch = new ImportBatch
        {
            Sequence = ++_sequence,
            Rows = _rows,
            Instances = _dimensions.Instances,
            Metrics = _dimensions.Metrics,
            LabelSets = _dimensions.LabelSets,
            DateKeys = _days,
            Offsets = _offsets.Select(kv => new TopicPartitionOffset(kv.Key, new Offset(kv.Value))).ToList(),
            DeadLetters = _deadLetters,
            Expired = _expired,
        };
        _rows = new List<SampleRow>(Math.Min(options.MaxRows, 1 << 20));
        _dimensions = new NewDimensionRows();
        _days = [];
        _offsets.Clear();
        _deadLetters = [];
        _expired = 0;
        _startedAt = -1;
        return batch;
    }

    private void Touch()
    {
        if (_startedAt < 0) _startedAt = time.GetTimestamp();
    }
}
