using Gds.Alerting.Engine;
using Gds.Alerting.Rules;
using Gds.Contracts.Rules;
using Gds.Contracts.Serialization;
using Gds.Contracts.Silences;
using Gds.Contracts.Topics;
using Gds.Kafka.Admin;
using Gds.Topology.Evaluation;
using Gds.Topology.Rules;
using Gds.Topology.Serdes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Processors.Public;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.State;
using Streamiz.Kafka.Net.Stream;

namespace Gds.Topology;

/// <summary>
/// metrics ⋈ rules → alerts. Rules come from a global store (fully restored before any metric is processed, so
/// a rule is never raced by the metrics it applies to); each metric is evaluated against the rules that index
/// to its name, with per-series state in a RocksDB store whose changelog makes it survive restarts.
/// </summary>
public static class AlertingTopology
{
    public const string RulesStore = "rules";
    public const string SilencesStore = "silences";
    public const string InhibitRulesStore = "inhibit-rules";
    public const string StateStore = "alert-state";
    public const string HygieneStore = "alert-hygiene";
    public const string SilenceUsageStore = "silence-usage";
    /// <summary>The transitions each series emitted lately, so that reading records again never emits one twice.</summary>
    public const string EmittedStore = "alert-emitted";

    /// <summary>The task stores, each RocksDB with a changelog topic.</summary>
    public static readonly IReadOnlyList<string> TaskStores = [StateStore, HygieneStore, SilenceUsageStore, EmittedStore];

    /// <summary>The changelog topic of a task store.</summary>
    public static string ChangelogTopic(string applicationId, string store) => $"{applicationId}-{store}-changelog";

    /// <summary>The internal topics Streamiz needs; the embedded broker cannot create them on demand.</summary>
    public static IReadOnlyList<TopicSpec> InternalTopics(string applicationId, int partitions) =>
        TaskStores.Select(store => new TopicSpec(ChangelogTopic(applicationId, store), partitions, Compacted: true)).ToList();

    public static Streamiz.Kafka.Net.Stream.Topology Build(IEnumerable<string> metricTopics, RuleBook book, TopologyOptions options, ILoggerFactory? logs = null) =>
        Build(metricTopics, new AlertingModels().WithRules(book), options, logs);

    public static Streamiz.Kafka.Net.Stream.Topology Build(IEnumerable<string> metricTopics, AlertingModels models, TopologyOptions options, ILoggerFactory? logs = null)
    {
        var book = models.Rules;
        logs ??= NullLoggerFactory.Instance;
        var topics = metricTopics.Distinct().OrderBy(t => t, StringComparer.Ordinal).ToList();
        if (topics.Count == 0) throw new ArgumentException("no metric topics to read", nameof(metricTopics));

        var builder = new StreamBuilder();
        builder.AddGlobalStore(
            Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore(RulesStore), new StringSerDes(), new ByteArraySerDes()).WithLoggingDisabled(),
            TopicNames.Rules,
            ProcessorBuilder.New<string, byte[]>().Processor<RulesUpdater>(book, logs.CreateLogger("Gds.Topology.Rules")).Build(),
            new StringSerDes(),
            new ByteArraySerDes());

        var silenceLog = logs.CreateLogger("Gds.Topology.Silences");
        AddCompacted(builder, TopicNames.Silences, SilencesStore, (key, value) =>
        {
            if (value is null) { models.Silences.Remove(key); return []; }
            return models.Silences.Upsert(GdsJson.Deserialize<Silence>(value));
        }, silenceLog);
        AddCompacted(builder, TopicNames.InhibitRules, InhibitRulesStore, (key, value) =>
        {
            if (value is null) { models.InhibitRules.Remove(key); return []; }
            return models.InhibitRules.Upsert(GdsJson.Deserialize<InhibitRule>(value)).Select(e => $"{e.Field}: {e.Message}").ToList();
        }, logs.CreateLogger("Gds.Topology.Inhibition"));

        // Acks ride with the metrics: gds ack writes each to the partition of its instance, so the task that owns
        // an alert's state sees its ack without a repartition.
        IKStream<string, byte[]>? metrics = builder.Stream(TopicNames.AlertAcks, new StringSerDes(), new ByteArraySerDes())
            .Merge(builder.Stream(TopicNames.Heartbeats, new StringSerDes(), new ByteArraySerDes()));
        foreach (var topic in topics)
        {
            var s = builder.Stream(topic, new StringSerDes(), new ByteArraySerDes());
            metrics = metrics.Merge(s);
        }

        foreach (var store in TaskStores)
            builder.AddStateStore(
                Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore(store), new StringSerDes(), new ByteArraySerDes())
                    .WithLoggingEnabled(new Dictionary<string, string>()));

        metrics
            .Transform(
                TransformerBuilder.New<string, byte[], string, Routed>()
                    .Transformer<AlertEvaluator>(new AlertEngine(book, new AlertEngineOptions { Grace = options.Grace }), models, options)
                    .Build(),
                "evaluate", [.. TaskStores])
            .To((_, v, _) => v.Topic, new StringSerDes(), new RoutedSerDes(), "route");

        return builder.Build();
    }

    private static void AddCompacted(StreamBuilder builder, string topic, string store, Func<string, byte[]?, IReadOnlyList<string>> apply, ILogger log) =>
        builder.AddGlobalStore(
            Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore(store), new StringSerDes(), new ByteArraySerDes()).WithLoggingDisabled(),
            topic,
            ProcessorBuilder.New<string, byte[]>().Processor<CompactedTopicApplier>(store, apply, log).Build(),
            new StringSerDes(),
            new ByteArraySerDes());
}
