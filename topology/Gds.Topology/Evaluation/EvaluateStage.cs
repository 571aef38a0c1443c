using System.Diagnostics;
using Gds.Alerting.Engine;
using Gds.Topology.Parsing;

namespace Gds.Topology.Evaluation;

/// <summary>
/// The second stage: folds each sample into its series' state (store <c>alert-state</c>, RocksDB with a changelog)
/// with the task's own <see cref="AlertEngine"/>, and forwards the lifecycle transitions; acks pass through to
/// hygiene. A wall-clock punctuation lets time act on its own (rule deletions, absence, expiring windows) even when
/// no metric arrives.
/// </summary>
public sealed class EvaluateStage : ITransformer<string, ParsedRecord, string, Evaluated>
{
    /// <summary>A tick walks the task's whole store: it may take at most this fraction of the time (1 / factor).</summary>
    private const int TickBudgetFactor = 10;
    private readonly AlertingModels? _models;
    private readonly TopologyOptions? _options;
    private readonly TopologyRuntime? _runtime;
    private readonly List<AlertEvent> _events = new(8);
    private ProcessorContext<string, Evaluated>? _context;
    private AlertEngine? _engine;
    private KeyValueSeriesStateStore? _state;
    private Func<string, bool>? _ownsInstance;
    private long _seenRulesVersion;
    private int _partition;
    private long _nextTickAt;

    public EvaluateStage() { }

    public EvaluateStage(AlertingModels models, TopologyOptions options, TopologyRuntime runtime)
    {
        _models = models;
        _options = options;
        _runtime = runtime;
    }

    public void Init(ProcessorContext<string, Evaluated> context)
    {
        _context = context;
        _engine = new AlertEngine(_models!.Rules, new AlertEngineOptions { Grace = _options!.Grace });
        _state = new KeyValueSeriesStateStore((IKeyValueStore<string, byte[]>)context.GetStateStore(AlertingTopology.StateStore));
        _partition = context.Id.Partition;
        _ownsInstance = _runtime!.OwnerOf(_partition);
        _runtime.Restoration.Forget(AlertingTopology.StateStore, _partition);
        context.Schedule(_options.PunctuationInterval, PunctuationType.PROCESSING_TIME, Punctuate);
    }

    public Record<string, Evaluated>? Process(Record<string, ParsedRecord> record)
    {
        var parsed = record.Value;
        if (parsed.IsDeadLetter) return null; // the parse stage's other child, the DLQ sink, takes it
        if (parsed.Ack is { } ack)
        {
            _context!.Forward(record.Key, Evaluated.Of(ack));
            return null;
        }
        var sample = parsed.Sample!;
        var counters = _runtime!.Counters;
        var timer = parsed.IsHeartbeat ? null : counters.EvaluationTicks;
        var started = timer is null ? 0 : Stopwatch.GetTimestamp();
        _engine!.OnRuleChanges(ref _seenRulesVersion, _state!, sample.Timestamp, _events);
        Forward(atSample: false);
        _engine.OnSample(sample, _state!, _events);
        if (!parsed.IsHeartbeat) counters.Evaluated();
        Forward(atSample: true);
        timer?.Invoke(Stopwatch.GetTimestamp() - started);
        return null;
    }

    private void Punctuate(long wallClockMs)
    {
        // Streamiz punctuates tasks whose stores it is still restoring: wait until they hold all their state.
        if (_runtime!.Restoring(_partition) || wallClockMs < _nextTickAt) return;
        // When the store is large (a grace period holds a sample of every series) a walk could take longer than the
        // interval and starve the records: tick at most a tenth of the time.
        var started = Stopwatch.GetTimestamp();
        var now = DateTimeOffset.FromUnixTimeMilliseconds(wallClockMs);
        _engine!.OnRuleChanges(ref _seenRulesVersion, _state!, now, _events);
        if (_options!.TickSeries) _engine.OnTick(now, _state!, _events, _ownsInstance);
        Forward(atSample: false);
        _nextTickAt = wallClockMs + (long)(Stopwatch.GetElapsedTime(started).TotalMilliseconds * TickBudgetFactor);
    }

    private void Forward(bool atSample)
    {
        foreach (var e in _events) _context!.Forward(e.InstanceId, Evaluated.Of(e, atSample));
        _events.Clear();
    }

    public void Close() { }
}
