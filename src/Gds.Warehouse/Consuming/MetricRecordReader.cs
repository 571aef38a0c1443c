using Confluent.Kafka;
using Gds.Contracts.Metrics;
using Gds.Contracts.Serialization;
using Gds.Contracts.Topics;

namespace Gds.Warehouse.Consuming;

/// <summary>
/// Reads a metric record and decides whether it can be loaded. Anything that would put a wrong or unusable
/// row into the warehouse is refused with a message naming the field, for the DLQ's error header.
/// </summary>
public sealed class MetricRecordReader(TimeProvider time, TimeSpan maxFutureSkew)
{
    private readonly MetricJsonFastPath _fastPath = new();

    public MetricRead Read(ConsumeResult<byte[], byte[]> record)
    {
        var bytes = record.Message.Value;
        if (bytes is null || bytes.Length == 0)
            return MetricRead.Bad("the record has no value (a tombstone or an empty message); a metric record must hold a JSON Metric");
        Metric metric;
        // The fast path reads only strings into tags and labels, and only valid names into labels: its records need
        // neither check below, which cost an enumerator per record.
        if (_fastPath.TryRead(bytes, out var fast)) metric = fast!;
        else
        {
            try
            {
                metric = GdsJson.Deserialize<Metric>(bytes);
            }
            catch (RecordFormatException ex)
            {
                return MetricRead.Bad(ex.Message);
            }
            if (LabelProblem(metric.Labels) is { } labelProblem) return MetricRead.Bad(labelProblem);
            // "tags": null, or a tag whose value is null, is read as no tags / no such tag rather than crashing later.
            if (metric.Tags is null || metric.Tags.Values.Any(v => v is null))
                metric = metric with { Tags = (metric.Tags ?? NoTags).Where(t => t.Value is not null).ToDictionary() };
        }
        if (string.IsNullOrWhiteSpace(metric.InstanceId)) return MetricRead.Bad("Metric: instance_id is empty");
        if (string.IsNullOrWhiteSpace(metric.MetricName)) return MetricRead.Bad("Metric: metric_name is empty");
        if (string.IsNullOrWhiteSpace(metric.DatabaseType)) return MetricRead.Bad("Metric: database_type is empty");
        if (!double.IsFinite(metric.Value)) return MetricRead.Bad($"Metric: value is {metric.Value}, not a finite number");
        if (metric.Timestamp == default) return MetricRead.Bad("Metric: timestamp is missing (0001-01-01)");
        var latest = time.GetUtcNow() + maxFutureSkew;
        if (metric.Timestamp > latest)
            return MetricRead.Bad($"Metric: timestamp {metric.Timestamp:O} is more than {maxFutureSkew} in the future; the collector's clock is wrong");
        return MetricRead.Good(metric, EnvironmentOf(metric, record.Topic));
    }

    private static readonly IReadOnlyDictionary<string, string> NoTags = new Dictionary<string, string>();

    /// <summary>
    /// Labels name the series, so unlike a tag a bad one cannot be dropped: that would merge two series into one.
    /// The names are checked as the alerting topology checks them, so both refuse the same records.
    /// </summary>
    private static string? LabelProblem(IReadOnlyDictionary<string, string> labels)
    {
        if (labels.Count == 0) return null;
        foreach (var (name, value) in labels)
        {
            if (!SeriesLabels.IsValidName(name)) return $"Metric: label name '{name}' is not valid (letters, digits and '_', not starting with a digit)";
            if (value is null) return $"Metric: label {name} is null; a label's value must be a string";
        }
        return null;
    }

    /// <summary>The environment tag; when a producer left it out, the environment the topic is named after.</summary>
    private static string EnvironmentOf(Metric metric, string topic)
    {
        if (metric.Tags.TryGetValue("environment", out var env) && env.Length > 0) return env;
        if (TopicNames.IsMetricsTopic(topic))
        {
            var rest = topic.AsSpan(TopicNames.MetricsPrefix.Length);
            var dot = rest.IndexOf('.');
            if (dot > 0 && dot < rest.Length - 1) return rest[(dot + 1)..].ToString();
        }
        return metric.Environment;
    }
}

/// <summary>A metric ready to load, or the reason it cannot be.</summary>
public readonly record struct MetricRead(Metric? Metric, string Environment, string? Error)
{
    public static MetricRead Good(Metric metric, string environment) => new(metric, environment, null);
    public static MetricRead Bad(string error) => new(null, "", error);
}
