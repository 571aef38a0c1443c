namespace Gds.Warehouse.Model;

/// <summary>A row of the metric dimension: the name, the unit read off its suffix and whether it is a counter.</summary>
public sealed record MetricDimension(long Key, string Name, string Unit, MetricKind Kind);

public enum MetricKind
{
    Gauge,
    Counter,
}
