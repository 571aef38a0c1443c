using Gds.Contracts.Topics;
using Gds.Kafka.Admin;
using Gds.Topology;
using Gds.Topology.Runtime;

namespace Gds.Cli.Commands.Streams;

/// <summary>`gds streams --describe`: the topology as Streamiz built it, read without a broker.</summary>
internal static class TopologyDescription
{
    public static int Print(string? metricTopics)
    {
        var topics = metricTopics?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } given
            ? given
            : TopicCatalog.Standard(partitions: 1).Select(t => t.Name).Where(TopicNames.IsMetricsTopic).ToArray();
        var topology = AlertingTopology.Build(topics, new AlertingModels(), new TopologyOptions(), new TopologyRuntime(partitions: 0));
        Console.WriteLine("""
            The alerting topology, stage by stage (docs/topology.md):
              parse     reads metrics, acks and collector heartbeats; what it cannot read branches to gds.metrics.dlq
              evaluate  folds each sample into its series (store alert-state) and emits lifecycle transitions
              hygiene   silences, inhibition by the fleet's firing alerts, acks, escalation (alert-hygiene, silence-usage)
              emit      drops transitions already emitted (alert-emitted); routes to gds.alerts, gds.alerts.firing,
                        gds.silences (auto-expiry) and gds.watchdog (task heartbeats)
            Global stores (read whole by every process): gds.rules, gds.silences, gds.inhibit_rules, gds.alerts.firing.

            """);
        // Streamiz names the sink's topic extractor by its CLR type; say what it does instead.
        var text = System.Text.RegularExpressions.Regex.Replace(topology.Describe().ToString() ?? "",
            @"\(extractor class: [^\n]*\)", "(topic of each record: gds.alerts, gds.alerts.firing, gds.silences or gds.watchdog)");
        Console.WriteLine(text);
        return 0;
    }
}
