using Gds.Contracts.Metrics.Catalog;

namespace Gds.Telemetry.Readings;

public enum TelemetryKind
{
    Gauge,
    Counter,
}

/// <summary>
/// One metric a process exposes about itself: its name, help, kind and label names, declared once and read by
/// both the Prometheus export and (for the catalogue's pipeline metrics) the self-report to Kafka.
/// </summary>
public sealed record TelemetryMetric(string Name, string Help, TelemetryKind Kind, IReadOnlyList<string> Labels)
{
    public static TelemetryMetric Gauge(string name, string help, params string[] labels) => new(name, help, TelemetryKind.Gauge, labels);

    public static TelemetryMetric Counter(string name, string help, params string[] labels) => new(name, help, TelemetryKind.Counter, labels);

    /// <summary>A pipeline metric of the catalogue: the same name, help and labels in Prometheus as on gds.metrics.gds.*.</summary>
    public static TelemetryMetric Of(MetricDefinition definition) =>
        new(definition.Name, definition.Help, definition.IsCounter ? TelemetryKind.Counter : TelemetryKind.Gauge, definition.Labels);
}
