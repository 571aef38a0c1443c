namespace Gds.Telemetry.Readings;

/// <summary>A value of a <see cref="TelemetryMetric"/> at scrape time; label values in the order of its label names.</summary>
public readonly record struct Reading(TelemetryMetric Metric, double Value, params string[] LabelValues)
{
    public static Reading Of(TelemetryMetric metric, bool value) => new(metric, value ? 1 : 0);
}
