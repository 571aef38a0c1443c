namespace Gds.Topology.Global;

/// <summary>
/// The global processor of a compacted topic (rules, silences, inhibition rules, the fleet's firing alerts): hands
/// each record to its in-memory model and keeps the global store in step with what the model took. A tombstone
/// arrives as a null value. Streamiz replays the topic through here on restore, so every model is complete before
/// any metric is processed. A record the model refuses is logged with the reason and leaves the store as it was.
/// </summary>
public sealed class CompactedTopicApplier : IProcessor<string, Gds.Topology.Serdes.WireValue>
{
    private readonly CompactedModel? _model;
    private readonly ILogger? _log;
    private IKeyValueStore<string, Gds.Topology.Serdes.WireValue>? _store;

    public CompactedTopicApplier() { }

    public CompactedTopicApplier(CompactedModel model, ILogger log)
    {
        _model = model;
        _log = log;
    }

    public void Init(ProcessorContext<string, Gds.Topology.Serdes.WireValue> context) =>
        _store = (IKeyValueStore<string, Gds.Topology.Serdes.WireValue>)context.GetStateStore(_model!.Store);

    public void Process(Record<string, Gds.Topology.Serdes.WireValue> record)
    {
        var model = _model!;
        if (string.IsNullOrEmpty(record.Key))
        {
            _log?.LogWarning("{Topic} record without a key at {Offset} ignored: the key must be the {KeyName}", model.Topic, record.TopicPartitionOffset, model.KeyName);
            return;
        }
        var value = record.Value?.Json is { Length: > 0 } v ? v : null;
        IReadOnlyList<string> errors;
        try
        {
            errors = record.Value?.Error is { } undecodable ? [undecodable] : model.Apply(record.Key, value);
        }
        catch (Exception ex) when (ex is Gds.Contracts.Serialization.RecordFormatException or FormatException or ArgumentException)
        {
            errors = [ex.Message];
        }
        if (errors.Count > 0)
        {
            _log?.LogError("{Topic} record {Key} at {Offset} not applied{Consequence}: {Errors}", model.Topic, record.Key, record.TopicPartitionOffset,
                model.WhenRefused, string.Join("; ", errors));
            return;
        }
        if (value is null) _store!.Delete(record.Key);
        else _store!.Put(record.Key, record.Value!);
    }

    public void Close() { }
}

/// <summary>
/// An in-memory model of a compacted topic, as its global processor feeds it.
/// </summary>
/// <param name="Apply">applies one record (null value = tombstone) and returns what is wrong with it; empty when taken</param>
/// <param name="WhenRefused">what a refused record leaves in force, for the log line (e.g. ", the previous version stays in force")</param>
public sealed record CompactedModel(string Topic, string Store, string KeyName, Func<string, byte[]?, IReadOnlyList<string>> Apply, string WhenRefused = "");
