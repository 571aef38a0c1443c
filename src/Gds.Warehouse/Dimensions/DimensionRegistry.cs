using Gds.Contracts.Metrics;
using Gds.Warehouse.Model;

namespace Gds.Warehouse.Dimensions;

/// <summary>
/// Turns a metric into a fact row and remembers which dimension rows this process has already handed to the
/// warehouse, so a batch carries only the instances and metrics that are new (or whose tags changed) and the
/// loader upserts a handful of dimension rows instead of one per sample. Used from the consumer thread only.
/// </summary>
public sealed class DimensionRegistry
{
    private readonly Dictionary<(string Type, string Env, string Id), InstanceDimension> _instances = new();
    private readonly Dictionary<string, MetricDimension> _metrics = new(StringComparer.Ordinal);

    /// <summary>Maps the sample; adds its dimension rows to the lists when this process has not sent them yet.</summary>
    public SampleRow ToRow(Metric metric, string environment, List<InstanceDimension> newInstances, List<MetricDimension> newMetrics)
    {
        var instance = ResolveInstance(metric, environment, newInstances);
        if (!_metrics.TryGetValue(metric.MetricName, out var m))
        {
            m = MetricClassifier.Classify(metric.MetricName);
            _metrics.Add(metric.MetricName, m);
            newMetrics.Add(m);
        }
        return new SampleRow(
            metric.Timestamp,
            DateKeys.Of(metric.Timestamp),
            instance.Key,
            m.Key,
            metric.Value,
            metric.Metadata?.CollectionDurationMs,
            metric.Metadata?.CorrelationId);
    }

    /// <summary>Forgets everything, e.g. after a failed load whose dimension rows may not have been written.</summary>
    public void Reset()
    {
        _instances.Clear();
        _metrics.Clear();
    }

    private InstanceDimension ResolveInstance(Metric metric, string environment, List<InstanceDimension> changed)
    {
        var natural = (metric.DatabaseType, environment, metric.InstanceId);
        if (_instances.TryGetValue(natural, out var known) && SameTags(known.Tags, metric.Tags)) return known;
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

    private static bool SameTags(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a.Count != b.Count) return false;
        foreach (var (k, v) in a)
            if (!b.TryGetValue(k, out var other) || !string.Equals(v, other, StringComparison.Ordinal)) return false;
        return true;
    }
}
