using Gds.Contracts.Metrics;
using Gds.Contracts.Topics;

namespace Gds.Kafka.Admin;

/// <summary>The topics a deployment needs, so `gds kafka`, `gds dev` and tests create the same set.</summary>
public static class TopicCatalog
{
    public static IReadOnlyList<TopicSpec> Standard(int partitions, IEnumerable<string>? environments = null)
    {
        var list = new List<TopicSpec>();
        foreach (var env in environments ?? TopicNames.DefaultEnvironments)
        // The gds type too: each gds process's self-report of its own health, evaluated like any metric.
        foreach (var type in DatabaseTypes.All.Append(DatabaseTypes.Pipeline))
            list.Add(new TopicSpec(TopicNames.Metrics(type, env), partitions, Retention: TimeSpan.FromDays(7)));
        list.Add(new TopicSpec(TopicNames.Rules, 1, Compacted: true));
        list.Add(new TopicSpec(TopicNames.Silences, 1, Compacted: true));
        list.Add(new TopicSpec(TopicNames.InhibitRules, 1, Compacted: true));
        list.Add(new TopicSpec(TopicNames.AlertAcks, partitions, Compacted: true));
        list.Add(new TopicSpec(TopicNames.Heartbeats, partitions, Compacted: true));
        // One partition: every stream process reads all of it into a global store.
        list.Add(new TopicSpec(TopicNames.FiringAlerts, 1, Compacted: true));
        // One partition: its readers take all of it, and the sink instance assigned it is the one that may page.
        list.Add(new TopicSpec(TopicNames.Watchdog, 1, Compacted: true));
        list.Add(new TopicSpec(TopicNames.Alerts, partitions, Retention: TimeSpan.FromDays(30)));
        list.Add(new TopicSpec(TopicNames.AlertsDlq, 1, Retention: TimeSpan.FromDays(30)));
        list.Add(new TopicSpec(TopicNames.MetricsDlq, 1, Retention: TimeSpan.FromDays(30)));
        return list;
    }
}
