using Gds.Alerting.Engine;
using Gds.Alerting.Rules;
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
    public const string StateStore = "alert-state";

    /// <summary>The internal topics Streamiz needs; the embedded broker cannot create them on demand.</summary>
    public static IReadOnlyList<TopicSpec> InternalTopics(string applicationId, int partitions) =>
        [new TopicSpec($"{applicationId}-{StateStore}-changelog", partitions, Compacted: true)];

    public static Streamiz.Kafka.Net.Stream.Topology Build(IEnumerable<string> metricTopics, RuleBook book, TopologyOptions options, ILoggerFactory? logs = null)
    {
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

        IKStream<string, byte[]>? metrics = null;
        foreach (var topic in topics)
        {
            var s = builder.Stream(topic, new StringSerDes(), new ByteArraySerDes());
            metrics = metrics is null ? s : metrics.Merge(s);
        }

        var state = Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore(StateStore), new StringSerDes(), new ByteArraySerDes())
            .WithLoggingEnabled(new Dictionary<string, string>());

        metrics!
            .Transform(
                TransformerBuilder.New<string, byte[], string, Routed>()
                    .Transformer<AlertEvaluator>(new AlertEngine(book), options)
                    .StateStore(state)
                    .Build(),
                "evaluate")
            .To((_, v, _) => v.Topic, new StringSerDes(), new RoutedSerDes(), "route");

        return builder.Build();
    }
}
