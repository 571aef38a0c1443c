using Gds.Alerting.Backtest;
using Gds.Contracts.Metrics;

namespace Gds.Topology.Evaluation;

/// <summary>Reads a metric record and says exactly what is wrong with one that cannot be evaluated.</summary>
public static class MetricReader
{
    /// <summary>
    /// The hot path: a per-task <see cref="MetricLineParser"/> (Utf8JsonReader, strings and tag maps reused) reads
    /// what evaluation needs; it is several times cheaper than the general deserializer.
    /// </summary>
    public static bool TryRead(MetricLineParser parser, byte[]? value, out Metric metric, out string error)
    {
        metric = null!;
        if (value is null || value.Length == 0)
        {
            error = "empty record: a metric record must carry a Metric JSON value";
            return false;
        }
        try
        {
            metric = parser.Parse(value);
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            error = "Metric: " + ex.Message;
            return false;
        }
        error = Validate(metric) ?? "";
        return error.Length == 0;
    }

    public static string? Validate(Metric m)
    {
        if (string.IsNullOrWhiteSpace(m.InstanceId)) return "Metric: instance_id is empty";
        if (string.IsNullOrWhiteSpace(m.MetricName)) return "Metric: metric_name is empty";
        if (string.IsNullOrWhiteSpace(m.DatabaseType)) return "Metric: database_type is empty";
        if (!double.IsFinite(m.Value)) return $"Metric: value {m.Value} is not a finite number";
        if (m.Timestamp == default) return "Metric: timestamp is missing";
        if (m.Labels.Count > 0)
            foreach (var name in m.Labels.Keys)
                if (!SeriesLabels.IsValidName(name)) return $"Metric: label name '{name}' is not valid (letters, digits and '_', not starting with a digit)";
        return null;
    }
}
