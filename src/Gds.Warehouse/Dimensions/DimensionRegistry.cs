using Gds.Contracts.Metrics;

namespace Gds.Warehouse.Dimensions;

/// <summary>
/// Turns a metric into a fact row and remembers which dimension rows this process has already handed to the
/// warehouse, so a batch carries only the instances, metrics and label sets that are new (or whose tags changed)
/// and the loader upserts a handful of dimension rows instead of one per sample. Used from the consumer thread only.
/// </summary>
public sealed class DimensionRegistry
{
    /// <summary>Bound of <see cref="_labelsBySet"/>, as of the reader's repeated values: past it, it starts over.</summary>
    private const int RememberedLabelSets = 50_000;

    private readonly Dictionary<(string Type, string Env, string Id), InstanceDimension> _instances = new();
    private readonly Dictionary<string, MetricDimension> _metrics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SeriesLabelsDimension> _labelsByText = new(StringComparer.Ordinal);

    /// <summary>
    /// Label sets by reference: the JSON fast path hands every record with the same labels the same dictionary, so a
    /// repeat costs one lookup instead of formatting the set and hashing its text for every labelled sample.
    /// </summary>
    private readonly Dictionary<IReadOnlyDictionary<string, string>, SeriesLabelsDimension> _labelsBySet = new(ReferenceEqualityComparer.Instance);

    /// <summary>Maps the sample; adds its dimension rows to <paramref name="added"/> when this process has not sent them yet.</summary>
    public SampleRow ToRow(Metric metric, string environment, NewDimensionRows added)
    {
        var instance = ResolveInstance(metric, environment, added.Instances);
        if (!_metrics.TryGetValue(metric.MetricName, out var m))
        {
            m = MetricDimensions.Of(metric.MetricName);
            _metrics.Add(metric.MetricName, m);
            added.Metrics.Add(m);
        }
        return new SampleRow(
            metric.Timestamp,
            DateKeys.Of(metric.Timestamp),
            instance.Key,
            m.Key,
            ResolveLabels(metric.Labels, added.LabelSets),
            metric.Value,
            metric.Metadata?.CollectionDurationMs,
            metric.Metadata?.CorrelationId);
    }

    private InstanceDimension ResolveInstance(Metric metric, string environment, List<InstanceDimension> changed)
    {
        var natural = (metric.DatabaseType, environment, metric.InstanceId);
        if (_instances.TryGetValue(natural, out var known) && SeriesLabels.Same(known.Tags, metric.Tags)) return known;
        // New, or its tags changed: the dimension keeps the latest tags (type 1), so send the row again.
        var dim = new InstanceDimension(
            known?.Key ?? DimensionKeys.Instance(metric.DatabaseType, environment, metric.InstanceId),
            metric.InstanceId,
            metric.DatabaseType,
            environment,
            metric.Tags.TryGetValue("region", out var region) && region.Length > 0 ? region : null,
            metric.Tags);
        _instances[natural] = dim;
        changed.Add(dim);
        return dim;
    }

    /// <summary>The labels key; a label set is sent once per process, whichever instance or metric brings it first.</summary>
    private long ResolveLabels(IReadOnlyDictionary<string, string> labels, List<SeriesLabelsDimension> added)
    {
        if (labels.Count == 0) return DimensionKeys.NoLabels; // its row comes with the schema
        if (_labelsBySet.TryGetValue(labels, out var known)) return known.Key;
        var text = SeriesLabels.Format(labels);
        if (!_labelsByText.TryGetValue(text, out known))
        {
            known = new SeriesLabelsDimension(DimensionKeys.Labels(text), text, labels);
            _labelsByText.Add(text, known);
            added.Add(known);
        }
        if (_labelsBySet.Count >= RememberedLabelSets) _labelsBySet.Clear();
        _labelsBySet[labels] = known;
        return known.Key;
    }
}
