namespace Gds.Warehouse.Model;

/// <summary>
/// One row of the fact table, its dimensions already reduced to keys. A struct because a batch holds tens of
/// thousands of them and the loader streams them straight into COPY or bind arrays. Its key is the series
/// (instance, metric, labels) at its time.
/// </summary>
public readonly record struct SampleRow(
    DateTimeOffset Time,
    int DateKey,
    long InstanceKey,
    long MetricKey,
    long LabelsKey,
    double Value,
    double? CollectionDurationMs,
    string? CorrelationId);
