using Gds.Alerting.Rules;
using Gds.Contracts.Rules;
using Gds.Contracts.Serialization;
using Gds.Contracts.Silences;
using Gds.Topology.Serdes;
using Streamiz.Kafka.Net.SerDes;

namespace Gds.Topology.Global;

/// <summary>
/// The compacted topics every task reads whole (Streamiz global stores): each is restored completely before any
/// metric is processed, and each record goes through <see cref="CompactedTopicApplier"/> into the process-wide model
/// the stages read (<see cref="AlertingModels"/>).
/// </summary>
public static class GlobalStores
{
    public const string Rules = "rules";
    public const string Silences = "silences";
    public const string InhibitRules = "inhibit-rules";
    public const string FiringAlerts = "firing-alerts";

    public static void Add(StreamBuilder builder, AlertingModels models, ILoggerFactory logs, Gds.Kafka.Wire.RecordCodec codec)
    {
        foreach (var (model, log) in Models(models))
            builder.AddGlobalStore(
                Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore(model.Store), new StringSerDes(), new WireValueSerDes(codec)).WithLoggingDisabled(),
                model.Topic,
                ProcessorBuilder.New<string, WireValue>().Processor<CompactedTopicApplier>(model, logs.CreateLogger(log)).Build(),
                new StringSerDes(),
                new WireValueSerDes(codec),
                null,
                "global-" + model.Store);
    }

    private static IEnumerable<(CompactedModel Model, string Log)> Models(AlertingModels models)
    {
        var book = models.Rules;
        yield return (new CompactedModel(TopicNames.Rules, Rules, "rule id", (id, value) =>
        {
            if (value is null) { book.Remove(id); return []; }
            var rule = GdsJson.Deserialize<Rule>(value);
            if (rule.Id != id) return [$"the record key '{id}' differs from the rule id '{rule.Id}'"];
            try
            {
                book.Upsert(CompiledRule.Compile(rule));
            }
            catch (InvalidRuleException ex)
            {
                return [ex.Message];
            }
            return [];
        }, ", the previous version stays in force"), "Gds.Topology.Rules");

        yield return (new CompactedModel(TopicNames.Silences, Silences, "silence id", (id, value) =>
        {
            if (value is null) { models.Silences.Remove(id); return []; }
            return models.Silences.Upsert(GdsJson.Deserialize<Silence>(value));
        }, ", the silence mutes nothing"), "Gds.Topology.Silences");

        yield return (new CompactedModel(TopicNames.InhibitRules, InhibitRules, "rule name", (name, value) =>
        {
            if (value is null) { models.InhibitRules.Remove(name); return []; }
            return models.InhibitRules.Upsert(GdsJson.Deserialize<InhibitRule>(value)).Select(e => $"{e.Field}: {e.Message}").ToList();
        }, ", the rule inhibits nothing"), "Gds.Topology.Inhibition");

        yield return (new CompactedModel(TopicNames.FiringAlerts, FiringAlerts, "dedup key", (key, value) =>
        {
            if (value is null) { models.Fleet.Resolved(key); return []; }
            var firing = GdsJson.Deserialize<FiringAlert>(value);
            if (firing.DedupKey != key) return [$"the record key '{key}' differs from the dedup key '{firing.DedupKey}'"];
            models.Fleet.Firing(key, firing.Labels);
            return [];
        }), "Gds.Topology.Fleet");
    }
}
