using Microsoft.Extensions.Logging;
using Streamiz.Kafka.Net.Processors.Public;
using Streamiz.Kafka.Net.State;

namespace Gds.Topology.Rules;

/// <summary>
/// The global processor of a compacted topic (silences, inhibition rules): keeps its global store and hands each
/// record to an in-memory model. A tombstone arrives as a null value. Streamiz replays the topic through here on
/// restore, so the model is complete before any metric is processed.
/// </summary>
public sealed class CompactedTopicApplier : IProcessor<string, byte[]>
{
    private readonly string? _storeName;
    private readonly Func<string, byte[]?, IReadOnlyList<string>>? _apply;
    private readonly ILogger? _log;
    private IKeyValueStore<string, byte[]>? _store;

    public CompactedTopicApplier() { }

    /// <param name="apply">applies one record and returns what is wrong with it (empty when it was applied)</param>
    public CompactedTopicApplier(string storeName, Func<string, byte[]?, IReadOnlyList<string>> apply, ILogger log)
    {
        _storeName = storeName;
        _apply = apply;
        _log = log;
    }

    public void Init(ProcessorContext<string, byte[]> context) =>
        _store = (IKeyValueStore<string, byte[]>)context.GetStateStore(_storeName!);

    public void Process(Record<string, byte[]> record)
    {
        if (string.IsNullOrEmpty(record.Key))
        {
            _log?.LogWarning("record without a key at {Offset} ignored", record.TopicPartitionOffset);
            return;
        }
        var value = record.Value is { Length: > 0 } v ? v : null;
        IReadOnlyList<string> errors;
        try
        {
            errors = _apply!(record.Key, value);
        }
        catch (Exception ex) when (ex is Gds.Contracts.Serialization.RecordFormatException or FormatException or ArgumentException)
        {
            errors = [ex.Message];
        }
        if (errors.Count > 0)
        {
            _log?.LogError("{Store} record {Key} at {Offset} not applied: {Errors}", _storeName, record.Key, record.TopicPartitionOffset, string.Join("; ", errors));
            return;
        }
        if (value is null) _store!.Delete(record.Key);
        else _store!.Put(record.Key, value);
    }

    public void Close() { }
}
