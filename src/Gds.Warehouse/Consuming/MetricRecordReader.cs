using Gds.Contracts.Metrics;
using Gds.Contracts.Serialization;
using Gds.Contracts.Topics;

namespace Gds.Warehouse.Consuming;

/// <summary>
/// Reads a metric record and decides whether it can be loaded. Anything that would put a wrong or unusable
/// row into the warehouse is refused with a message naming the field, for the DLQ's error header.
/// </summary>
/// <remarks>
/// Both wire formats are read: an Avro record is decoded through <paramref name="codec"/> first.
/// </remarks>
public sealed class MetricRecordReader(TimeProvider time, TimeSpan maxFutureSkew, Gds.Kafka.Wire.RecordCodec codec)
{
    private readonly MetricJsonReader _fastPath = new();

    public MetricRead Read(ConsumeResult<byte[], byte[]> record)
    {
        var bytes = record.Message.Value;
        if (bytes is null || bytes.Length == 0)
            return MetricRead.Bad("the record has no value (a tombstone or an empty message); a metric record must hold a Metric");
        if (Gds.Kafka.Wire.RecordCodec.IsAvro(bytes) && !codec.TryDecode(record.Topic, bytes, out bytes, out var avroError))
            return MetricRead.Bad(avroError);
        Metric metric;
        // The importer's error policy: what the fast reader refuses goes to the serializer, whose messages are the
        // contract. The fast reader reads only strings into tags and labels, and only valid names into labels: its
        // records need neither check below, which cost an enumerator per record.
        var labelsChecked = _fastPath.TryRead(bytes, out var fast, out _);
        if (labelsChecked) metric = fast!;
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
            if (MetricValidator.LabelProblem(metric.Labels) is { } labelProblem) return MetricRead.Bad(labelProblem);
            // "tags": null, or a tag whose value is null, is read as no tags / no such tag rather than crashing later.
            if (metric.Tags is null || metric.Tags.Values.Any(v => v is null))
                metric = metric with { Tags = (metric.Tags ?? NoTags).Where(t => t.Value is not null).ToDictionary() };
        }
        if (MetricValidator.Problem(metric, labelsChecked: true) is { } problem) return MetricRead.Bad(problem);
        var latest = time.GetUtcNow() + maxFutureSkew;
        if (metric.Timestamp > latest)
            return MetricRead.Bad($"Metric: timestamp {metric.Timestamp:O} is more than {maxFutureSkew} in the future; the collector's clock is wrong");
        return MetricRead.Good(metric, EnvironmentOf(metric, record.Topic));
    }

    private static readonly IReadOnlyDictionary<string, string> NoTags = new Dictionary<string, string>();

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
