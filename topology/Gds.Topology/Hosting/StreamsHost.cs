using Confluent.Kafka;
using Gds.Alerting.Rules;
using Gds.Contracts.Topics;
using Gds.Kafka.Admin;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Errors;
using Streamiz.Kafka.Net.SerDes;

namespace Gds.Topology.Hosting;

public sealed class StreamsHostOptions
{
    public required string BootstrapServers { get; init; }
    public string ApplicationId { get; init; } = "gds-streams";
    public string StateDir { get; init; } = Path.Combine(Path.GetTempPath(), "gds-streams-state");
    public int StreamThreads { get; init; } = 1;
    /// <summary>Records taken per poll; larger batches amortise Streamiz's per-poll work.</summary>
    public int MaxPollRecords { get; init; } = 500;
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromMilliseconds(500);
    /// <summary>
    /// How long the group waits for a silent member before handing its partitions to another; also how long a
    /// restarted instance may wait for its own previous incarnation when that one did not leave cleanly.
    /// </summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Metric topics to read; when empty, every gds.metrics.{type}.{env} topic the cluster has at start.</summary>
    public IReadOnlyList<string> MetricTopics { get; init; } = [];
    public TopologyOptions Topology { get; init; } = new();
    /// <summary>librdkafka properties for security etc., passed through to every client.</summary>
    public IReadOnlyDictionary<string, string> KafkaProperties { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Runs the alerting topology as a Streamiz KafkaStream: finds the metric topics, makes sure the internal topics
/// exist (the embedded broker cannot create them), starts, and reports when it is running.
/// </summary>
public sealed class StreamsHost : IAsyncDisposable
{
    private readonly StreamsHostOptions _options;
    private readonly ITopicCreator _topics;
    private readonly ILoggerFactory _logs;
    private readonly ILogger _log;
    private readonly TaskCompletionSource _running = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private KafkaStream? _stream;

    public AlertingModels Models { get; } = new();
    public RuleBook Rules => Models.Rules;
    public TopologyCounters Counters => _options.Topology.Counters;
    public IReadOnlyList<string> MetricTopics { get; private set; } = [];
    public KafkaStream.State State { get; private set; } = KafkaStream.State.CREATED;

    public StreamsHost(StreamsHostOptions options, ITopicCreator topics, ILoggerFactory? logs = null)
    {
        _options = options;
        _topics = topics;
        _logs = logs ?? NullLoggerFactory.Instance;
        _log = _logs.CreateLogger<StreamsHost>();
    }

    public async Task StartAsync(CancellationToken ct = default)
    {
        var metadata = ReadMetadata();
        MetricTopics = _options.MetricTopics.Count > 0
            ? _options.MetricTopics
            : metadata.Topics.Select(t => t.Topic).Where(TopicNames.IsMetricsTopic).Order(StringComparer.Ordinal).ToList();
        if (MetricTopics.Count == 0)
            throw new InvalidOperationException("no gds.metrics.{type}.{env} topic exists yet: create them (gds kafka does) or start a collector first");
        var partitions = PartitionCount(metadata, MetricTopics);
        // Besides its internal topics, the topology reads and writes these; on a real cluster they may not exist yet.
        var shared = new[] { TopicNames.Rules, TopicNames.Silences, TopicNames.InhibitRules, TopicNames.AlertAcks, TopicNames.Heartbeats, TopicNames.Alerts, TopicNames.MetricsDlq };
        await _topics.EnsureAsync(TopicCatalog.Standard(partitions).Where(t => shared.Contains(t.Name))
            .Concat(AlertingTopology.InternalTopics(_options.ApplicationId, partitions)), ct);

        var config = new StreamConfig<StringSerDes, ByteArraySerDes>
        {
            ApplicationId = _options.ApplicationId,
            BootstrapServers = _options.BootstrapServers,
            StateDir = _options.StateDir,
            NumStreamThreads = _options.StreamThreads,
            CommitIntervalMs = (long)_options.CommitInterval.TotalMilliseconds,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            Guarantee = ProcessingGuarantee.AT_LEAST_ONCE,
            Logger = _logs,
            PollMs = 50,
            MaxPollRecords = _options.MaxPollRecords,
            // A fetch with nothing new waits this long before it returns: it bounds the latency a quiet
            // partition adds (librdkafka's mock broker waits the full time), at the cost of more idle fetches.
            FetchWaitMaxMs = 50,
            // librdkafka pauses fetching for this long whenever its pre-fetch queue is full (default 1 s): with
            // a consumer that drains in batches that stalls the stream for a second at a time.
            FetchQueueBackoffMs = 10,
            SessionTimeoutMs = (int)_options.SessionTimeout.TotalMilliseconds,
            HeartbeatIntervalMs = (int)Math.Max(500, _options.SessionTimeout.TotalMilliseconds / 4),
            LingerMs = 5,
        };
        foreach (var (k, v) in _options.KafkaProperties) config.AddConfig(k, v);

        _options.Topology.Partitions = partitions;
        _log.LogInformation("alerting topology reading {Count} metric topics ({Partitions} partitions): {Topics}", MetricTopics.Count, partitions, string.Join(", ", MetricTopics));
        for (var attempt = 1; ; attempt++)
        {
            var stream = new KafkaStream(AlertingTopology.Build(MetricTopics, Models, _options.Topology, _logs), config);
            var restoration = _options.Topology.Restoration;
            stream.OnRestoreStartEvent += (tp, store, _, _) => restoration.Started(store, tp.Partition.Value);
            stream.OnRestoreEndEvent += (tp, store, _) => restoration.Ended(store, tp.Partition.Value);
            stream.StateChanged += (_, now) =>
            {
                if (!ReferenceEquals(stream, _stream)) return; // a failed attempt's last words
                State = now;
                _log.LogInformation("streams state {State}", now);
                if (now == KafkaStream.State.RUNNING) _running.TrySetResult();
                if (now == KafkaStream.State.ERROR || now == KafkaStream.State.NOT_RUNNING || now == KafkaStream.State.PENDING_SHUTDOWN)
                    _running.TrySetException(new InvalidOperationException($"the stream stopped ({now}) before running"));
            };
            _stream = stream;
            try
            {
                await stream.StartAsync(ct);
                return;
            }
            catch (Exception ex) when (ex is StreamsException or KafkaException && attempt < 3 && !ct.IsCancellationRequested)
            {
                // librdkafka can refuse the global thread's first seek while a partition is still being set up
                // ("Erroneous state"): a transient start-up race, so start afresh rather than fail the process.
                _log.LogWarning("starting the stream failed ({Error}); attempt {Attempt} of 3, retrying", ex.Message, attempt + 1);
                _stream = null;
                stream.Dispose();
                await Task.Delay(TimeSpan.FromSeconds(attempt), ct);
            }
        }
    }

    /// <summary>Completes once every task is assigned and the rules are restored.</summary>
    public Task WaitUntilRunningAsync(TimeSpan timeout, CancellationToken ct = default) => _running.Task.WaitAsync(timeout, ct);

    private Metadata ReadMetadata()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig(_options.KafkaProperties.ToDictionary()) { BootstrapServers = _options.BootstrapServers }).Build();
        return admin.GetMetadata(TimeSpan.FromSeconds(15));
    }

    private static int PartitionCount(Metadata metadata, IReadOnlyList<string> topics)
    {
        var counts = metadata.Topics.Where(t => topics.Contains(t.Topic)).Select(t => t.Partitions.Count).Distinct().ToList();
        if (counts.Count > 1)
            throw new InvalidOperationException($"metric topics have different partition counts ({string.Join(", ", counts)}); Streamiz co-partitions them, so they must match");
        return counts.Count == 1 ? counts[0] : 1;
    }

    public ValueTask DisposeAsync()
    {
        _stream?.Dispose();
        return ValueTask.CompletedTask;
    }
}
