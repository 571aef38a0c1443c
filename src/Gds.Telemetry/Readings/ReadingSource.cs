namespace Gds.Telemetry.Readings;

/// <summary>An <see cref="IReadingSource"/> from a list of metrics and a function: what most components need.</summary>
public sealed class ReadingSource(IReadOnlyList<TelemetryMetric> metrics, Action<ICollection<Reading>> read) : IReadingSource
{
    public IReadOnlyList<TelemetryMetric> Metrics => metrics;

    public void Read(ICollection<Reading> into) => read(into);
}
