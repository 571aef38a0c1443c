using Gds.Contracts.Metrics.Catalog;

namespace Gds.Warehouse.Dimensions;

/// <summary>
/// Reads the unit and the kind of a metric off its name, following the Prometheus naming convention the
/// collectors use (cpu_usage_percent, replication_lag_seconds, xact_commit_total): the fallback of
/// <see cref="MetricDimensions"/> for metrics the catalogue does not declare (custom ones).
/// </summary>
public static class MetricClassifier
{
    // Longest suffixes first so "_milliseconds" wins over "_seconds".
    private static readonly (string Suffix, string Unit)[] Units =
    [
        ("_milliseconds", "milliseconds"),
        ("_microseconds", "microseconds"),
        ("_seconds", "seconds"),
        ("_ms", "milliseconds"),
        ("_percent", "percent"),
        ("_pct", "percent"),
        ("_ratio", "ratio"),
        ("_bytes", "bytes"),
        ("_kb", "kilobytes"),
        ("_mb", "megabytes"),
        ("_connections", "connections"),
        ("_rows", "rows"),
        ("_queries", "queries"),
        ("_operations", "operations"),
        ("_ops", "operations"),
        ("_per_second", "per_second"),
    ];

    /// <summary>Counters end in _total (Prometheus) or _count; everything else is a gauge.</summary>
    public static MetricDimension Classify(string metricName)
    {
        var name = metricName;
        var kind = MetricKind.Gauge;
        foreach (var counterSuffix in (ReadOnlySpan<string>)["_total", "_count"])
        {
            if (name.EndsWith(counterSuffix, StringComparison.Ordinal) && name.Length > counterSuffix.Length)
            {
                kind = MetricKind.Counter;
                name = name[..^counterSuffix.Length];
                break;
            }
        }
        var unit = kind == MetricKind.Counter ? "count" : "none";
        foreach (var (suffix, u) in Units)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal)) { unit = u; break; }
        }
        return new MetricDimension(DimensionKeys.Metric(metricName), metricName, unit, kind);
    }
}
