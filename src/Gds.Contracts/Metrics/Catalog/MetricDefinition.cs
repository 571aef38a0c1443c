namespace Gds.Contracts.Metrics.Catalog;

/// <summary>Whether a metric's value is a reading at a moment (gauge) or a running total since some start (counter).</summary>
public enum MetricKind
{
    Gauge,
    Counter,
}

/// <summary>
/// One metric a collector can emit, declared once: its name, the database type that emits it (<see cref="AnyDatabase"/>
/// for the collector's own metrics), its unit, its kind, the series labels each reading carries (the same set on
/// every reading) and a one-line help text. Collectors publish through it, docs/metrics.md is generated from it,
/// the warehouse's dim_metric and `gds rules validate` read it.
/// </summary>
public sealed record MetricDefinition(string Name, string DatabaseType, string Unit, MetricKind Kind, IReadOnlyList<string> Labels, string Help)
{
    /// <summary>The database type of metrics every target gets (the collector's own, gds_collector_*).</summary>
    public const string AnyDatabase = "*";

    public bool IsCounter => Kind == MetricKind.Counter;

    public static MetricDefinition Gauge(string databaseType, string name, string unit, string help, params string[] labels) =>
        new(name, databaseType, unit, MetricKind.Gauge, labels, help);

    public static MetricDefinition Counter(string databaseType, string name, string unit, string help, params string[] labels) =>
        new(name, databaseType, unit, MetricKind.Counter, labels, help);
}
