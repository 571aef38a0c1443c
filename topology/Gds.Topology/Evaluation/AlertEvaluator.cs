using System.Text;
using Confluent.Kafka;
using Gds.Alerting.Engine;
using Gds.Contracts.Alerts;
using Gds.Contracts.Serialization;
using Gds.Contracts.Topics;
using Gds.Topology.Serdes;
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
    private readonly TopologyOptions? _options;
    private readonly List<AlertEvent> _events = new(8);
    private ProcessorContext<string, Routed>? _context;
    private KeyValueSeriesStateStore? _state;
    private long _seenRulesVersion;

    public AlertEvaluator() { }

    public AlertEvaluator(AlertEngine engine, TopologyOptions options)
    {
        _engine = engine;
        _options = options;
    }

    public void Init(ProcessorContext<string, Routed> context)
    {
        _context = context;
        _state = new KeyValueSeriesStateStore((IKeyValueStore<string, byte[]>)context.GetStateStore(AlertingTopology.StateStore));
        context.Schedule(_options!.PunctuationInterval, PunctuationType.PROCESSING_TIME, Punctuate);
    }

    public Record<string, Routed>? Process(Record<string, byte[]> record)
    {
        var engine = _engine!;
        _events.Clear();
        if (!MetricReader.TryRead(record.Value, out var metric, out var error))
        {
            _options!.Counters.DeadLettered();
            var headers = CopyHeaders(record.Headers);
            headers.Add(ErrorHeaders.Error, Encoding.UTF8.GetBytes(error));
            headers.Add(ErrorHeaders.ErrorStage, "streams:read-metric"u8.ToArray());
            headers.Add(ErrorHeaders.SourceTopic, Encoding.UTF8.GetBytes(record.TopicPartitionOffset?.Topic ?? ""));
            headers.Add(ErrorHeaders.SourcePartition, Encoding.UTF8.GetBytes((record.TopicPartitionOffset?.Partition.Value ?? -1).ToString()));
            headers.Add(ErrorHeaders.SourceOffset, Encoding.UTF8.GetBytes((record.TopicPartitionOffset?.Offset.Value ?? -1).ToString()));
            return Record<string, Routed>.Create(record.Key, new Routed(TopicNames.MetricsDlq, record.Value ?? []), headers);
        }

        engine.OnRuleChanges(ref _seenRulesVersion, _state!, metric.Timestamp, _events);
        engine.OnSample(metric, _state!, _events);
        _options!.Counters.Evaluated();
        Forward();
        return null;
    }

    private void Punctuate(long wallClockMs)
    {
        _events.Clear();
        var now = DateTimeOffset.FromUnixTimeMilliseconds(wallClockMs);
        _engine!.OnRuleChanges(ref _seenRulesVersion, _state!, now, _events);
        if (_options!.TickSeries) _engine.OnTick(now, _state!, _events);
        Forward();
    }

    private void Forward()
    {
        foreach (var e in _events)
        {
            _options!.Counters.Emitted(e.Status);
            _context!.Forward(e.InstanceId, new Routed(TopicNames.Alerts, GdsJson.Serialize(e)));
        }
        _events.Clear();
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
