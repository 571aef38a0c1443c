using Gds.Alerting.Hygiene;
using Gds.Alerting.Silences;
using Gds.Topology.Evaluation;

namespace Gds.Topology.Hygiene;

/// <summary>
/// The third stage: passes the engine's events and the acks through the task's <see cref="HygieneEngine"/> (stores
/// <c>alert-hygiene</c> and <c>silence-usage</c>): silences, inhibition by any alert firing in the fleet, acks and
/// escalation decide what reaches people. Its punctuation re-judges every firing episode of the task (a silence
/// that ended, an inhibiting source elsewhere that resolved, an escalation step due) and ends the auto-expiring
/// silences this task owns.
/// </summary>
public sealed class HygieneStage : ITransformer<string, Evaluated, string, HygieneOutcome>
{
    private readonly AlertingModels? _models;
    private readonly TopologyOptions? _options;
    private readonly TopologyRuntime? _runtime;
    private readonly List<AlertEvent> _out = new(8);
    private readonly List<SilenceExpiry> _expiries = new();
    private ProcessorContext<string, HygieneOutcome>? _context;
    private HygieneEngine? _hygiene;
    private KeyValueHygieneStore? _store;
    private int _partition;

    public HygieneStage() { }

    public HygieneStage(AlertingModels models, TopologyOptions options, TopologyRuntime runtime)
    {
        _models = models;
        _options = options;
        _runtime = runtime;
    }

    public void Init(ProcessorContext<string, HygieneOutcome> context)
    {
        _context = context;
        _partition = context.Id.Partition;
        _store = new KeyValueHygieneStore(
            (IKeyValueStore<string, byte[]>)context.GetStateStore(AlertingTopology.HygieneStore),
            (IKeyValueStore<string, byte[]>)context.GetStateStore(AlertingTopology.SilenceUsageStore));
        _hygiene = _models!.NewHygieneEngine(ownsSilence: _runtime!.OwnerOf(_partition));
        _runtime.Restoration.Forget(AlertingTopology.HygieneStore, _partition);
        _runtime.Restoration.Forget(AlertingTopology.SilenceUsageStore, _partition);
        context.Schedule(_options!.PunctuationInterval, PunctuationType.PROCESSING_TIME, Punctuate);
    }

    public Record<string, HygieneOutcome>? Process(Record<string, Evaluated> record)
    {
        _out.Clear();
        if (record.Value.Ack is { } ack) _hygiene!.OnAck(ack, _store!, _out);
        else _hygiene!.OnAlertEvent(record.Value.Event!, _store!, _out);
        // Hygiene decorates the engine's event (same id) and may add its own (acks, escalations): only the former
        // keeps the time of the sample behind it.
        Forward(record.Value is { AtSample: true, Event: { } from } ? from.EventId : null);
        return null;
    }

    private void Punctuate(long wallClockMs)
    {
        if (_runtime!.Restoring(_partition)) return;
        _out.Clear();
        _expiries.Clear();
        _hygiene!.OnTick(DateTimeOffset.FromUnixTimeMilliseconds(wallClockMs), _store!, _out, _expiries);
        Forward();
        foreach (var x in _expiries) _context!.Forward(x.SilenceId, HygieneOutcome.Of(x));
    }

    private void Forward(string? atSampleId = null)
    {
        foreach (var e in _out) _context!.Forward(e.InstanceId, HygieneOutcome.Of(e, e.EventId == atSampleId));
        _out.Clear();
    }

    public void Close() { }
}
