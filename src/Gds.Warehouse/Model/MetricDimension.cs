using Gds.Contracts.Metrics.Catalog;

namespace Gds.Warehouse.Model;

/// <summary>A row of the metric dimension: the name, its unit and whether it is a counter.</summary>
public sealed record MetricDimension(long Key, string Name, string Unit, MetricKind Kind)
{
    /// <summary>The kind as the warehouses store it (dim_metric.kind is 'gauge' or 'counter').</summary>
    public string KindText => Kind == MetricKind.Counter ? "counter" : "gauge";
}
