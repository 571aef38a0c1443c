using Gds.Alerting.Rules;
using Gds.Contracts.Rules;
using Gds.Contracts.Serialization;
using Microsoft.Extensions.Logging;
using Streamiz.Kafka.Net.Processors.Public;
using Streamiz.Kafka.Net.State;

namespace Gds.Topology.Rules;

/// <summary>
/// The global processor of gds.rules: keeps the global store and the in-memory <see cref="RuleBook"/> in step.
/// Streamiz replays the topic through this processor on restore, so the book is complete before any metric is
/// processed. A record that is not a valid rule is logged and ignored: the previous version stays in force.
/// </summary>
public sealed class RulesUpdater : IProcessor<string, byte[]>
{
    private readonly RuleBook? _book;
    private readonly ILogger? _log;
    private IKeyValueStore<string, byte[]>? _store;

    public RulesUpdater() { }

    public RulesUpdater(RuleBook book, ILogger log)
    {
        _book = book;
        _log = log;
    }

    public void Init(ProcessorContext<string, byte[]> context) =>
        _store = (IKeyValueStore<string, byte[]>)context.GetStateStore(AlertingTopology.RulesStore);

    public void Process(Record<string, byte[]> record)
    {
        var id = record.Key;
        if (string.IsNullOrEmpty(id))
        {
            _log?.LogWarning("gds.rules record without a key at offset {Offset} ignored: the key must be the rule id", record.TopicPartitionOffset);
            return;
        }
        if (record.Value is null || record.Value.Length == 0)
        {
            _store!.Delete(id);
            _book!.Remove(id);
            _log?.LogInformation("rule {RuleId} deleted", id);
            return;
        }
        try
        {
            var rule = GdsJson.Deserialize<Rule>(record.Value);
            if (rule.Id != id) throw new InvalidRuleException(id, [("id", $"the record key '{id}' differs from the rule id '{rule.Id}'")]);
            var compiled = CompiledRule.Compile(rule);
            _store!.Put(id, record.Value);
            _book!.Upsert(compiled);
            _log?.LogDebug("rule {RuleId} v{Version} in force", id, compiled.Version);
        }
        catch (Exception ex) when (ex is RecordFormatException or InvalidRuleException or FormatException)
        {
            _log?.LogError("rule record {RuleId} at {Offset} ignored, previous version stays in force: {Error}", id, record.TopicPartitionOffset, ex.Message);
        }
    }

    public void Close() { }
}
