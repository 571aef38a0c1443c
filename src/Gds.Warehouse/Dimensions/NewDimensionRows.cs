namespace Gds.Warehouse.Dimensions;

/// <summary>The dimension rows a batch must write because this process has not written them yet.</summary>
public sealed class NewDimensionRows
{
    public List<InstanceDimension> Instances { get; } = [];
    public List<MetricDimension> Metrics { get; } = [];
    public List<SeriesLabelsDimension> LabelSets { get; } = [];
}
