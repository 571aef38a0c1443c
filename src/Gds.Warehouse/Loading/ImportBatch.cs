namespace Gds.Warehouse.Loading;

/// <summary>
/// What one load writes, as one unit: the fact rows, the dimension rows they need that the warehouse may not
/// have yet, and the Kafka offsets to commit once the load is durable.
/// </summary>
public sealed class ImportBatch
{
    public required long Sequence { get; init; }
    public required IReadOnlyList<SampleRow> Rows { get; init; }
    public required IReadOnlyList<InstanceDimension> Instances { get; init; }
    public required IReadOnlyList<MetricDimension> Metrics { get; init; }
    public IReadOnlyList<SeriesLabelsDimension> LabelSets { get; init; } = [];

    /// <summary>The distinct days (yyyymmdd) of the rows: the partitions and date-dimension rows the load needs.</summary>
    public required IReadOnlySet<int> DateKeys { get; init; }

    /// <summary>Next offset to read per partition (last consumed + 1); committed only after the load.</summary>
    public IReadOnlyList<TopicPartitionOffset> Offsets { get; init; } = [];

    /// <summary>Deliveries to the DLQ of this batch's malformed records; awaited before the offsets are committed.</summary>
    public IReadOnlyList<Task> DeadLetters { get; init; } = [];

    /// <summary>Samples skipped because they are older than the retention horizon.</summary>
    public int Expired { get; init; }

    public bool IsEmpty => Rows.Count == 0 && Offsets.Count == 0 && DeadLetters.Count == 0;
}
