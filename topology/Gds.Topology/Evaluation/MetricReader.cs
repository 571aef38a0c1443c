using Gds.Alerting.Backtest;
using Gds.Contracts.Metrics;

namespace Gds.Topology.Evaluation;

/// <summary>Reads a metric record and says exactly what is wrong with one that cannot be evaluated.</summary>
public static class MetricReader
{
    /// <summary>
    /// The hot path: a per-task <see cref="MetricLineParser"/> (Gds.Contracts' MetricJsonReader: Utf8JsonReader,
    /// strings and tag maps reused) reads what evaluation needs, and <see cref="MetricValidator"/> says what is wrong.
    /// </summary>
    public static bool TryRead(MetricLineParser parser, byte[]? value, out Metric metric, out string error)
    {
        metric = null!;
        if (value is null || value.Length == 0)
        {
            error = "empty record: a metric record must carry a Metric JSON value";
            return false;
        }
        if (!parser.TryParse(value, out metric, out error))
        {
            error = "Metric: " + error;
            return false;
        }
        error = MetricValidator.Problem(metric, labelsChecked: true) ?? "";
        return error.Length == 0;
    }
}
