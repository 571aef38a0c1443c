using Gds.Contracts.Metrics.Catalog;

namespace Gds.Monitor.Collectors;

/// <summary>
/// One reading from a database, before it becomes a Metric: a catalogue metric's name, the value, and the reading's
/// own labels (database, standby, wait type, ...), which become the Metric's labels and so identify its series.
/// </summary>
public readonly record struct Sample(string Name, double Value, IReadOnlyDictionary<string, string>? Labels = null);

/// <summary>
/// The samples of one scrape, added through the metric catalogue: the name comes from the definition, and so do the
/// label names, in the definition's order, so a reading cannot carry labels other than its metric declares.
/// </summary>
public sealed class SampleSet : List<Sample>
{
    /// <param name="labelValues">One value per <see cref="MetricDefinition.Labels"/>, in that order.</param>
    public void Add(MetricDefinition metric, double value, params string[] labelValues) =>
        Add(new Sample(metric.Name, value, Labels(metric, labelValues)));

    public void Add(MetricDefinition metric, bool value, params string[] labelValues) => Add(metric, value ? 1d : 0d, labelValues);

    private static Dictionary<string, string>? Labels(MetricDefinition metric, string[] values)
    {
        if (values.Length != metric.Labels.Count)
            throw new ArgumentException($"{metric.Name} is labelled by [{string.Join(", ", metric.Labels)}]; {values.Length} value(s) were given");
        if (values.Length == 0) return null;
        var labels = new Dictionary<string, string>(values.Length, StringComparer.Ordinal);
        for (var i = 0; i < values.Length; i++) labels[metric.Labels[i]] = values[i];
        return labels;
    }
}
