using Gds.Alerting.Hygiene;

namespace Gds.Topology.Hosting;

public sealed class StreamsHostOptions
{
    public required string BootstrapServers { get; init; }
    public string ApplicationId { get; init; } = "gds-streams";
    public string StateDir { get; init; } = Path.Combine(Path.GetTempPath(), "gds-streams-state");
    public int StreamThreads { get; init; } = 1;
    /// <summary>Records taken per poll; larger batches amortise Streamiz's per-poll work.</summary>
    public int MaxPollRecords { get; init; } = 500;
    /// <summary>How often processed offsets (and the stores' checkpoints) are committed: what a restart reads again at most.</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromMilliseconds(500);
    /// <summary>
    /// How long the group waits for a silent member before handing its partitions to another; also how long a
    /// restarted instance may wait for its own previous incarnation when that one did not leave cleanly.
    /// </summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// A stream thread that has not polled Kafka for this long is stuck, and the stream is restarted (see
    /// <see cref="StreamSupervisor"/>). Null: three session timeouts, at least 30 s.
    /// </summary>
    public TimeSpan? StallTimeout { get; init; }
    /// <summary>
    /// Metric topics to read, and no others; when empty, every gds.metrics.{type}.{env} topic the cluster has, waiting
    /// for the first and subscribing to each that appears later (see <see cref="MetricTopicCheckInterval"/>).
    /// </summary>
    public IReadOnlyList<string> MetricTopics { get; init; } = [];
    /// <summary>How often the cluster's metadata is read for new metric topics when <see cref="MetricTopics"/> is empty.</summary>
    public TimeSpan MetricTopicCheckInterval { get; init; } = TimeSpan.FromSeconds(10);
    public TopologyOptions Topology { get; init; } = new();
    /// <summary>Acks, silences and escalation settings (section "Hygiene"), for every stream task.</summary>
    public HygieneOptions Hygiene { get; init; } = new();
    /// <summary>librdkafka properties for security etc. (KafkaClientFactory.Properties), passed through to every client Streamiz makes.</summary>
    public IReadOnlyDictionary<string, string> KafkaProperties { get; init; } = new Dictionary<string, string>();
    /// <summary>How the topology reads (JSON or Avro, whichever arrives) and writes (KafkaClientFactory.Codec).</summary>
    public Gds.Kafka.Wire.RecordCodec Codec { get; init; } = Gds.Kafka.Wire.RecordCodec.Json;

    public TimeSpan EffectiveStallTimeout => StallTimeout ?? TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, 3 * SessionTimeout.Ticks));
}
