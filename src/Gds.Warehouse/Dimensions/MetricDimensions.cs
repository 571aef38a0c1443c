using Gds.Contracts.Metrics.Catalog;

namespace Gds.Warehouse.Dimensions;

/// <summary>
/// The dim_metric row of a metric: unit and kind as the metric catalogue declares them, where the collectors'
/// metrics are defined once; a metric the catalogue does not know (a custom one) has them read off its name.
/// </summary>
public static class MetricDimensions
{
    public static MetricDimension Of(string metricName) =>
        MetricCatalog.TryGet(metricName, out var declared)
            ? new MetricDimension(DimensionKeys.Metric(metricName), metricName, declared.Unit, declared.Kind)
            : MetricClassifier.Classify(metricName);
}
