using Gds.Contracts.Heartbeats;
using Gds.Contracts.Metrics;

namespace Gds.Alerting.Kinds.Absence;

/// <summary>
/// How a collector's heartbeat reaches the rules: as a sample of metric gds_collector_up whose instance_id is the
/// collector id (value 1, tags collector_id / host / targets / targets_up). The topology feeds gds.heartbeats
/// through this into the same engine, so an absence rule with scope: collector watches collectors like series.
/// </summary>
public static class HeartbeatSamples
{
    public const string MetricName = "gds_collector_up";
    /// <summary>database_type of heartbeat samples: a collector is not a database.</summary>
    public const string DatabaseType = "collector";

    public static Metric ToMetric(Heartbeat heartbeat)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["collector_id"] = heartbeat.CollectorId,
            ["targets"] = heartbeat.Targets.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["targets_up"] = heartbeat.TargetsUp.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (heartbeat.Host is { Length: > 0 } host) tags["host"] = host;
        return new Metric
        {
            Timestamp = heartbeat.Timestamp,
            DatabaseType = DatabaseType,
            InstanceId = heartbeat.CollectorId,
            MetricName = MetricName,
            Value = 1,
            Tags = tags,
        };
    }
}
