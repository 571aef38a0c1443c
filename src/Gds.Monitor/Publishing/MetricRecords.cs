using System.Text;
using Gds.Contracts.Serialization;
using Gds.Contracts.Topics;
using Gds.Monitor.Publishing.Spool;

namespace Gds.Monitor.Publishing;

/// <summary>How a Metric becomes a Kafka record: gds.metrics.{database_type}.{environment}, key instance_id, JSON value.</summary>
public static class MetricRecords
{
    public static SpoolRecord ToRecord(Metric metric) => new(
        TopicNames.Metrics(metric.DatabaseType, metric.Environment),
        Encoding.UTF8.GetBytes(metric.InstanceId),
        GdsJson.Serialize(metric));

    /// <summary>JSON has no NaN or Infinity, and no rule can reason about them: such samples are refused.</summary>
    public static bool IsPublishable(Metric metric) => double.IsFinite(metric.Value);
}
