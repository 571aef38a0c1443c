using Gds.Contracts.Serialization;
using Gds.Topology.Hygiene;
using Gds.Topology.Serdes;
using Gds.Topology.Watchdog;

namespace Gds.Topology.Emitted;

/// <summary>
/// The last stage: writes what leaves the task, each with the topic it goes to. An alert event goes to gds.alerts
/// unless its series already emitted it (records read again after a failover, a restart or a replay: store
/// <c>alert-emitted</c>, see <see cref="EmittedTransitions"/>); a firing or resolved event also updates the fleet's
/// firing alerts on gds.alerts.firing; a silence expiry goes to gds.silences; and, from its punctuation, the task's
/// heartbeat goes to gds.watchdog.
/// </summary>
public sealed class EmitStage : ITransformer<string, HygieneOutcome, string, Routed>
{
    /// <summary>Emitted entries are swept this often: they live for days, so a walk every second would be waste.</summary>
    private static readonly long ExpiryEveryMs = (long)TimeSpan.FromMinutes(10).TotalMilliseconds;
    private readonly TopologyOptions? _options;
    private readonly TopologyRuntime? _runtime;
    private ProcessorContext<string, Routed>? _context;
    private EmittedTransitions? _emitted;
    private TaskHeartbeat? _heartbeat;
    private int _partition;
    private long _nextExpiryAt;

    public EmitStage() { }

    public EmitStage(TopologyOptions options, TopologyRuntime runtime)
    {
        _options = options;
        _runtime = runtime;
    }

    public void Init(ProcessorContext<string, Routed> context)
    {
        _context = context;
        _partition = context.Id.Partition;
        _emitted = new EmittedTransitions((IKeyValueStore<string, byte[]>)context.GetStateStore(AlertingTopology.EmittedStore), _options!.EmittedRetention);
        _runtime!.Restoration.Forget(AlertingTopology.EmittedStore, _partition);
        if (_options.HeartbeatInterval is { } every)
            _heartbeat = new TaskHeartbeat(context.ApplicationId, context.Id.ToString(), _partition, every);
        context.Schedule(_options.PunctuationInterval, PunctuationType.PROCESSING_TIME, Punctuate);
    }

    public Record<string, Routed>? Process(Record<string, HygieneOutcome> record)
    {
        if (record.Value.Expiry is { } x)
        {
            _context!.Forward(x.SilenceId, new Routed(TopicNames.Silences, GdsJson.Serialize(x.Record)));
            return null;
        }
        var e = record.Value.Alert!;
        if (_emitted!.IsRepeat(e))
        {
            _runtime!.Counters.Repeated();
            return null;
        }
        _runtime!.Counters.Emitted(e);
        // The event first, then the memory of it: if only one of the two reaches Kafka before a crash, a repeat
        // (same id, dropped by the receiver) is better than a loss.
        _context!.Forward(e.InstanceId, new Routed(TopicNames.Alerts, GdsJson.Serialize(e)));
        if (e.Status == AlertStatus.Firing)
            _context.Forward(e.DedupKey, new Routed(TopicNames.FiringAlerts, GdsJson.Serialize(FiringAlert.Of(e))));
        else if (e.Status == AlertStatus.Resolved)
            _context.Forward(e.DedupKey, new Routed(TopicNames.FiringAlerts, null));
        _emitted.Remember(e, record.Value.AtSample, _context.WallClockTime);
        return null;
    }

    private void Punctuate(long wallClockMs)
    {
        // A heartbeat says the task can alert: not before its stores hold all their state.
        if (_runtime!.Restoring(_partition)) return;
        if (_heartbeat?.Due(wallClockMs) is { } beat) _context!.Forward(_heartbeat.Key, beat);
        if (wallClockMs < _nextExpiryAt) return;
        _emitted!.Expire(wallClockMs);
        _nextExpiryAt = wallClockMs + ExpiryEveryMs;
    }

    public void Close() { }
}
