using Gds.Alerting.Rules;
using Gds.Contracts.Metrics.Catalog;
using Gds.Kafka.Admin;
using Gds.Topology.Clients;
using Gds.Telemetry.Lag;
using Gds.Telemetry.Readings;
using Gds.Topology.LocalState;
using Microsoft.Extensions.Logging.Abstractions;
using Streamiz.Kafka.Net.Kafka;
using Streamiz.Kafka.Net.SerDes;

namespace Gds.Topology.Hosting;

/// <summary>
/// Runs the alerting topology as a Streamiz KafkaStream: finds the metric topics (waiting for the first), makes sure
/// the internal topics exist (the embedded broker cannot create them), checks the local state against the
/// changelogs, starts, and reports when it is running. A <see cref="StreamSupervisor"/> replaces the stream when it
/// cannot go on, and when a new metric topic appears.
/// </summary>
public sealed class StreamsHost : IAsyncDisposable
{
    private readonly StreamsHostOptions _options;
    private readonly ITopicCreator _topics;
    private readonly ILoggerFactory _logs;
    private readonly StreamizLoggerFactory _streamizLogs;
    private readonly ILogger _log;
    private readonly TaskCompletionSource _running = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private StreamSupervisor? _supervisor;
    private Task? _discovery;
    private int _disposed;

    public AlertingModels Models { get; }
    public RuleBook Rules => Models.Rules;
    /// <summary>What the topology has done, across stream incarnations.</summary>
    public TopologyCounters Counters { get; } = new();
    private readonly RestorationTracker _restoration = new();
    private TopologyRuntime? _runtime;
    /// <summary>Lag of the stream threads' main consumers (every incarnation's), for /metrics and the self-report.</summary>
    public ConsumerLag Lag { get; } = new(TelemetryMetric.Of(PipelineMetrics.StreamsConsumerLag));
    /// <summary>True while some state store partition is being restored from its changelog.</summary>
    public bool Restoring => _restoration.AnyRestoring;
    /// <summary>The metric topics the stream reads; grows when a new one appears (unless they were given).</summary>
    public IReadOnlyList<string> MetricTopics { get => Volatile.Read(ref _metricTopics); private set => Volatile.Write(ref _metricTopics, value); }
    private IReadOnlyList<string> _metricTopics = [];
    public KafkaStream.State State { get; private set; } = KafkaStream.State.CREATED;
    /// <summary>How often the stream was replaced because it could not go on by itself.</summary>
    public int Restarts => _supervisor?.Restarts ?? 0;
    /// <summary>Completes (faulted) if the stream could not be kept running: the process should exit non-zero.</summary>
    public Task Failed => _supervisor?.Failed ?? NotStarted.Task;
    private static readonly TaskCompletionSource NotStarted = new();

    public StreamsHost(StreamsHostOptions options, ITopicCreator topics, ILoggerFactory? logs = null)
    {
        _options = options;
        Models = new AlertingModels { Hygiene = Microsoft.Extensions.Options.Options.Create(options.Hygiene) };
        _topics = topics;
        _logs = logs ?? NullLoggerFactory.Instance;
        _streamizLogs = new StreamizLoggerFactory(_logs);
        _log = _logs.CreateLogger<StreamsHost>();
    }

    public async Task StartAsync(CancellationToken ct = default)
    {
        var discover = _options.MetricTopics.Count == 0;
        var metadata = ReadMetadata();
        MetricTopics = discover ? MetricTopicsOf(metadata) : _options.MetricTopics;
        if (MetricTopics.Count == 0)
        {
            // A fresh cluster has none until `gds topics apply` or the first collector makes one: wait, as the
            // collectors, the sink and the importer do, rather than exit and be restarted in a loop.
            _log.LogInformation("waiting for a gds.metrics.* topic on {Bootstrap}", _options.BootstrapServers);
            using var timer = new PeriodicTimer(_options.MetricTopicCheckInterval);
            while (MetricTopics.Count == 0 && await timer.WaitForNextTickAsync(ct))
            {
                // The cluster answered once: a failure now is a hiccup, not a reason to give up waiting.
                try { metadata = ReadMetadata(); }
                catch (KafkaException ex)
                {
                    _log.LogDebug("reading the metadata for a metric topic failed: {Error}", ex.Error.Reason);
                    continue;
                }
                MetricTopics = MetricTopicsOf(metadata);
            }
        }
        var partitions = PartitionCount(metadata, MetricTopics);
        // Besides its internal topics, the topology reads and writes these; on a real cluster they may not exist yet.
        var shared = new[] { TopicNames.Rules, TopicNames.Silences, TopicNames.InhibitRules, TopicNames.AlertAcks, TopicNames.FiringAlerts, TopicNames.Heartbeats, TopicNames.Alerts, TopicNames.MetricsDlq, TopicNames.Watchdog };
        await _topics.EnsureAsync(TopicCatalog.Standard(partitions).Where(t => shared.Contains(t.Name))
            .Concat(AlertingTopology.InternalTopics(_options.ApplicationId, partitions)), ct);

        _runtime = new TopologyRuntime(partitions, Counters, _restoration);
        _log.LogInformation("alerting topology reading {Count} metric topics ({Partitions} partitions): {Topics}", MetricTopics.Count, partitions, string.Join(", ", MetricTopics));
        _supervisor = new StreamSupervisor(NewStream, _options.EffectiveStallTimeout, _logs.CreateLogger<StreamSupervisor>(),
            _options.Codec.RegistryUnansweredAsync);
        _supervisor.StateChanged += now =>
        {
            State = now;
            _log.LogInformation("streams state {State}", now);
            if (now == KafkaStream.State.RUNNING) _running.TrySetResult();
        };
        _ = _supervisor.Failed.ContinueWith(t => _running.TrySetException(t.Exception!.InnerExceptions), TaskContinuationOptions.OnlyOnFaulted);
        await _supervisor.StartAsync(ct);
        if (discover) _discovery = Task.Run(() => DiscoverAsync(partitions, _stop.Token));
    }

    /// <summary>
    /// Subscribes to each metric topic that appears (a new environment) by replacing the stream through the
    /// supervisor: Streamiz 1.8.2 subscribes to named topics only, no pattern. The new stream keeps the state
    /// directory and the application id, so stores, changelogs and committed offsets carry over.
    /// </summary>
    private async Task DiscoverAsync(int partitions, CancellationToken ct)
    {
        var refused = new HashSet<string>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(_options.MetricTopicCheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                Metadata metadata;
                try { metadata = ReadMetadata(); }
                catch (KafkaException ex)
                {
                    _log.LogDebug("reading the metadata for new metric topics failed: {Error}", ex.Error.Reason);
                    continue;
                }
                var added = new List<string>();
                foreach (var topic in metadata.Topics.Where(t => TopicNames.IsMetricsTopic(t.Topic) && !t.Error.IsError && !MetricTopics.Contains(t.Topic)))
                {
                    if (topic.Partitions.Count == partitions) added.Add(topic.Topic);
                    else if (refused.Add(topic.Topic))
                        _log.LogError("new metric topic {Topic} has {Count} partitions, the others {Partitions}: not subscribing (the topology co-partitions them)",
                            topic.Topic, topic.Partitions.Count, partitions);
                }
                if (added.Count == 0) continue;
                added.Sort(StringComparer.Ordinal);
                foreach (var topic in added) _log.LogInformation("new metric topic {Topic}: subscribing", topic);
                MetricTopics = MetricTopics.Concat(added).Order(StringComparer.Ordinal).ToList();
                _supervisor!.Replace("new metric topics " + string.Join(", ", added));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private static List<string> MetricTopicsOf(Metadata metadata) =>
        metadata.Topics.Select(t => t.Topic).Where(TopicNames.IsMetricsTopic).Order(StringComparer.Ordinal).ToList();

    /// <summary>A new stream over the same state directory, once the local state has been checked against the changelogs.</summary>
    private StreamIncarnation NewStream(int number)
    {
        using (var cluster = new KafkaChangelogInspector(_options.BootstrapServers, _options.KafkaProperties))
            new LocalStateCheck(_options.StateDir, _options.ApplicationId, cluster, _logs.CreateLogger<LocalStateCheck>()).Run();

        var config = Config();
        var liveness = new ThreadLiveness();
        var supplier = new DefaultKafkaClientSupplier(new KafkaLoggerAdapter(config), config, new SupervisedClientBuilder(liveness, _logs, Lag));
        var stream = new KafkaStream(AlertingTopology.Build(MetricTopics, Models, _options.Topology, _runtime!, _logs, _options.Codec), config, supplier);
        var restoration = _restoration;
        var restoreLog = _logs.CreateLogger("Gds.Topology.Restoration");
        stream.OnRestoreStartEvent += (tp, store, from, to) =>
        {
            restoration.Started(store, tp.Partition.Value);
            if (to > from) restoreLog.LogInformation("restoring {Store} partition {Partition} from its changelog (offsets {From} to {To})", store, tp.Partition.Value, from, to);
        };
        stream.OnRestoreEndEvent += (tp, store, total) =>
        {
            restoration.Ended(store, tp.Partition.Value);
            if (total > 0) restoreLog.LogInformation("restored {Store} partition {Partition}: {Records} records", store, tp.Partition.Value, total);
        };
        return new StreamIncarnation(stream, liveness, number);
    }

    /// <summary>The Streamiz configuration of each incarnation (internal for tests that check what reaches Streamiz).</summary>
    internal StreamConfig<StringSerDes, ByteArraySerDes> Config()
    {
        var config = new StreamConfig<StringSerDes, ByteArraySerDes>
        {
            ApplicationId = _options.ApplicationId,
            BootstrapServers = _options.BootstrapServers,
            StateDir = _options.StateDir,
            NumStreamThreads = _options.StreamThreads,
            // Before CommitIntervalMs: setting the guarantee resets the commit interval to its default (30 s for
            // at-least-once), which is how a restart came to read everything again (nothing had been committed).
            Guarantee = ProcessingGuarantee.AT_LEAST_ONCE,
            CommitIntervalMs = (long)_options.CommitInterval.TotalMilliseconds,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            Logger = _streamizLogs,
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
        StreamizClientProperties.Apply(config, _options.KafkaProperties);
        return config;
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

    /// <summary>Stops the stream once: its tasks commit their offsets and checkpoint their stores, its consumers leave the group.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _running.TrySetException(new ObjectDisposedException(nameof(StreamsHost)));
        await _stop.CancelAsync();
        if (_discovery is not null) await _discovery;
        if (_supervisor is not null) await _supervisor.DisposeAsync();
        _streamizLogs.Detach();
        _stop.Dispose();
    }
}
