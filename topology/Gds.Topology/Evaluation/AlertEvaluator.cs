using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Gds.Alerting.Backtest;
using Gds.Alerting.Engine;
using Gds.Alerting.Hygiene;
using Gds.Alerting.Kinds.Absence;
using Gds.Alerting.Silences;
using Gds.Contracts.Alerts;
using Gds.Contracts.Heartbeats;
using Gds.Contracts.Serialization;
using Gds.Contracts.Topics;
using Gds.Kafka.Clients;
using Gds.Topology.Emitted;
using Gds.Topology.Hygiene;
using Gds.Topology.Serdes;
using Gds.Topology.Watchdog;
using Streamiz.Kafka.Net.Processors.Public;
using Streamiz.Kafka.Net.State;

namespace Gds.Topology.Evaluation;

/// <summary>
/// The stream task's processor: reads each metric record, runs the alert engine against this task's RocksDB
/// state, and forwards alert events (keyed by instance_id) or, for a record it cannot read, the original bytes
/// to gds.metrics.dlq with the reason in headers. A wall-clock punctuation lets time act on its own (absence,
/// rule deletions) even when no metric arrives.
/// </summary>
public sealed class AlertEvaluator : ITransformer<string, byte[], string, Routed>
{
    private readonly AlertEngine? _engine;
    private readonly AlertingModels? _models;
    private readonly TopologyOptions? _options;
    private readonly List<AlertEvent> _events = new(8);
    private readonly List<AlertEvent> _hygieneOut = new(8);
    private readonly List<SilenceExpiry> _expiries = new();
    private ProcessorContext<string, Routed>? _context;
    private KeyValueSeriesStateStore? _state;
    private KeyValueHygieneStore? _hygieneStore;
    private HygieneEngine? _hygiene;
    private EmittedTransitions? _emitted;
    private long _nextExpiryAt;
    /// <summary>Emitted entries are swept this often: they live for days, so a walk every second would be waste.</summary>
    private static readonly long ExpiryEveryMs = (long)TimeSpan.FromMinutes(10).TotalMilliseconds;
    private long _seenRulesVersion;
    private Func<string, bool>? _ownsInstance;
    private readonly MetricLineParser _parser = new();
    private const int TickBudgetFactor = 10;
    private static readonly IReadOnlyList<string> ChangelogStores = AlertingTopology.TaskStores;
    private int _partition;
    private long _nextTickAt;
    private TaskHeartbeat? _heartbeat;

    public AlertEvaluator() { }

    public AlertEvaluator(AlertEngine engine, AlertingModels models, TopologyOptions options)
    {
        _engine = engine;
        _models = models;
        _options = options;
    }

    public void Init(ProcessorContext<string, Routed> context)
    {
        _context = context;
        _state = new KeyValueSeriesStateStore((IKeyValueStore<string, byte[]>)context.GetStateStore(AlertingTopology.StateStore));
        _hygieneStore = new KeyValueHygieneStore(
            (IKeyValueStore<string, byte[]>)context.GetStateStore(AlertingTopology.HygieneStore),
            (IKeyValueStore<string, byte[]>)context.GetStateStore(AlertingTopology.SilenceUsageStore));
        _hygiene = _models!.NewHygieneEngine();
        _emitted = new EmittedTransitions((IKeyValueStore<string, byte[]>)context.GetStateStore(AlertingTopology.EmittedStore), _options!.EmittedRetention);
        var partitions = _options!.Partitions;
        var mine = context.Id.Partition;
        _ownsInstance = partitions <= 1 ? null : instance => KeyPartitioner.PartitionFor(instance, partitions) == mine;
        _partition = mine;
        foreach (var store in ChangelogStores) _options.Restoration.Forget(store, mine);
        context.Schedule(_options!.PunctuationInterval, PunctuationType.PROCESSING_TIME, Punctuate);
        if (_options.HeartbeatInterval is { } every)
            _heartbeat = new TaskHeartbeat(context.ApplicationId, context.Id.ToString(), mine, every);
    }

    public Record<string, Routed>? Process(Record<string, byte[]> record)
    {
        var engine = _engine!;
        _events.Clear();
        var topic = record.TopicPartitionOffset?.Topic;
        if (topic == TopicNames.AlertAcks)
            return ProcessAck(record) is { } ackError ? DeadLetter(record, ackError, "streams:read-ack") : null;
        if (topic == TopicNames.Heartbeats)
            return ProcessHeartbeat(record) is { } hbError ? DeadLetter(record, hbError, "streams:read-heartbeat") : null;
        if (!MetricReader.TryRead(_parser, record.Value, out var metric, out var error))
            return DeadLetter(record, error, "streams:read-metric");

        var timer = _options!.Counters.EvaluationTicks;
        var started = timer is null ? 0 : Stopwatch.GetTimestamp();
        engine.OnRuleChanges(ref _seenRulesVersion, _state!, metric.Timestamp, _events);
        engine.OnSample(metric, _state!, _events);
        _options!.Counters.Evaluated();
        Forward();
        timer?.Invoke(Stopwatch.GetTimestamp() - started);
        return null;
    }

    /// <summary>
    /// Anything this task cannot read goes, with its original bytes and the reason in headers, to
    /// gds.metrics.dlq: nothing is dropped silently, and the stream keeps going.
    /// </summary>
    private Record<string, Routed> DeadLetter(Record<string, byte[]> record, string error, string stage)
    {
        _options!.Counters.DeadLettered();
        var headers = CopyHeaders(record.Headers);
        headers.Add(ErrorHeaders.Error, Encoding.UTF8.GetBytes(error));
        headers.Add(ErrorHeaders.ErrorStage, Encoding.UTF8.GetBytes(stage));
        headers.Add(ErrorHeaders.SourceTopic, Encoding.UTF8.GetBytes(record.TopicPartitionOffset?.Topic ?? ""));
        headers.Add(ErrorHeaders.SourcePartition, Encoding.UTF8.GetBytes((record.TopicPartitionOffset?.Partition.Value ?? -1).ToString()));
        headers.Add(ErrorHeaders.SourceOffset, Encoding.UTF8.GetBytes((record.TopicPartitionOffset?.Offset.Value ?? -1).ToString()));
        return Record<string, Routed>.Create(record.Key, new Routed(TopicNames.MetricsDlq, record.Value ?? []), headers);
    }

    /// <summary>A collector's heartbeat is a sample of gds_collector_up for the collector, so absence rules can watch it.</summary>
    private string? ProcessHeartbeat(Record<string, byte[]> record)
    {
        if (record.Value is not { Length: > 0 } bytes) return null; // compaction tombstone of a retired collector
        Heartbeat hb;
        try
        {
            hb = GdsJson.Deserialize<Heartbeat>(bytes);
        }
        catch (RecordFormatException ex)
        {
            return ex.Message;
        }
        _engine!.OnSample(HeartbeatSamples.ToMetric(hb), _state!, _events);
        Forward();
        return null;
    }

    private string? ProcessAck(Record<string, byte[]> record)
    {
        if (record.Value is not { Length: > 0 } bytes) return null; // a tombstone on the acks topic means nothing
        Ack ack;
        try
        {
            ack = GdsJson.Deserialize<Ack>(bytes);
        }
        catch (RecordFormatException ex)
        {
            return ex.Message;
        }
        _hygieneOut.Clear();
        _hygiene!.OnAck(ack, _hygieneStore!, _hygieneOut);
        Send(_hygieneOut);
        return null;
    }

    private void Punctuate(long wallClockMs)
    {
        // Streamiz punctuates tasks whose stores it is still restoring: wait until they hold all their state.
        foreach (var store in ChangelogStores)
            if (_options!.Restoration.IsRestoring(store, _partition)) return;
        if (_heartbeat?.Due(wallClockMs) is { } beat) _context!.Forward(_heartbeat.Key, beat);
        // A tick walks the task's whole store. When that is large (a grace period holds a sample of every series)
        // the walk could take longer than the interval and starve the records: tick at most a tenth of the time.
        if (wallClockMs < _nextTickAt) return;
        var started = Stopwatch.GetTimestamp();
        Tick(wallClockMs);
        _nextTickAt = wallClockMs + (long)(Stopwatch.GetElapsedTime(started).TotalMilliseconds * TickBudgetFactor);
    }

    private void Tick(long wallClockMs)
    {
        _events.Clear();
        var now = DateTimeOffset.FromUnixTimeMilliseconds(wallClockMs);
        _engine!.OnRuleChanges(ref _seenRulesVersion, _state!, now, _events);
        if (_options!.TickSeries) _engine.OnTick(now, _state!, _events, _ownsInstance);
        Forward();
        _hygieneOut.Clear();
        _expiries.Clear();
        _hygiene!.OnTick(now, _hygieneStore!, _hygieneOut, _expiries);
        Send(_hygieneOut);
        foreach (var x in _expiries)
            _context!.Forward(x.SilenceId, new Routed(TopicNames.Silences, GdsJson.Serialize(x.Record)));
        if (wallClockMs >= _nextExpiryAt)
        {
            _emitted!.Expire(wallClockMs);
            _nextExpiryAt = wallClockMs + ExpiryEveryMs;
        }
    }

    /// <summary>Engine events pass through hygiene (silences, inhibition, acks, escalation) on their way out.</summary>
    private void Forward()
    {
        foreach (var e in _events)
        {
            _hygieneOut.Clear();
            _hygiene!.OnAlertEvent(e, _hygieneStore!, _hygieneOut);
            Send(_hygieneOut);
        }
        _events.Clear();
    }

    private void Send(List<AlertEvent> events)
    {
        foreach (var e in events)
        {
            // Records read again after a failover, a restart or a replay raise transitions this series has
            // already emitted (same ids): gds.alerts gets each transition once.
            if (_emitted!.IsRepeat(e))
            {
                _options!.Counters.Repeated();
                continue;
            }
            _options!.Counters.Emitted(e);
            // The event first, then the memory of it: if only one of the two reaches Kafka before a crash, a
            // repeat (same id, dropped by the receiver) is better than a loss.
            _context!.Forward(e.InstanceId, new Routed(TopicNames.Alerts, GdsJson.Serialize(e)));
            _emitted.Remember(e, _context.WallClockTime);
        }
        events.Clear();
    }

    private static Headers CopyHeaders(Headers? source)
    {
        var h = new Headers();
        if (source is null) return h;
        foreach (var x in source) h.Add(x.Key, x.GetValueBytes());
        return h;
    }

    public void Close() { }
}
