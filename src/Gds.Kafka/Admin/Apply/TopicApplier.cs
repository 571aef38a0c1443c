using Gds.Contracts.Topics;

namespace Gds.Kafka.Admin.Apply;

/// <param name="Partitions">of the metric, alert, ack and heartbeat topics; null: see <see cref="TopicApplier"/></param>
/// <param name="ReplicationFactor">for created topics, and the least an existing one must have; null: the broker's default, not compared</param>
/// <param name="Environments">whose metric topics are wanted; metric topics of other environments already there are checked too</param>
public sealed record TopicRequest(int? Partitions, int? ReplicationFactor, IReadOnlyList<string> Environments);

/// <summary>
/// Creates the gds topics a cluster lacks and compares the others with the catalogue; it never deletes, shrinks,
/// grows or reconfigures a topic. Without an explicit partition count it takes the metric topics' own (the topology
/// co-partitions them with acks and heartbeats, so a new environment must match the old), else <see cref="DefaultPartitions"/>.
/// </summary>
public sealed class TopicApplier(ITopicCluster cluster)
{
    public const int DefaultPartitions = 6;

    public async Task<ApplyReport> ApplyAsync(TopicRequest request, CancellationToken ct = default)
    {
        var existing = (await cluster.ListAsync(ct)).ToDictionary(t => t.Name, StringComparer.Ordinal);
        var partitions = request.Partitions
                         ?? existing.Values.Where(t => TopicNames.IsMetricsTopic(t.Name)).Select(t => (int?)t.Partitions).Max()
                         ?? DefaultPartitions;
        var wanted = Wanted(partitions, request.Environments, existing.Keys);

        var present = wanted.Where(w => existing.ContainsKey(w.Name)).Select(w => w.Name).ToList();
        var configs = present.Count == 0 ? new TopicConfigs(new Dictionary<string, IReadOnlyDictionary<string, string>>(), null)
            : await cluster.DescribeConfigsAsync(present, ct);
        var verdicts = wanted.Select(w => TopicVerdict.Decide(w,
            existing.GetValueOrDefault(w.Name) is { } o ? o with { Configs = configs.ByTopic.GetValueOrDefault(w.Name) } : null,
            request.ReplicationFactor)).ToList();

        var missing = verdicts.Where(v => v.Status == TopicStatus.Missing).Select(v => v.Wanted).ToList();
        var created = missing.Count == 0 ? new Dictionary<string, TopicCreation>()
            : (await cluster.CreateAsync(missing, request.ReplicationFactor, ct)).ToDictionary(c => c.Name, StringComparer.Ordinal);

        var reports = verdicts.Select(v => v.Status switch
        {
            TopicStatus.Present => new TopicReport(v.Wanted.Name, TopicOutcome.Present),
            TopicStatus.Differs => new TopicReport(v.Wanted.Name, TopicOutcome.Differs, string.Join("; ", v.Differences)),
            _ => created.GetValueOrDefault(v.Wanted.Name) switch
            {
                { Created: true } => new TopicReport(v.Wanted.Name, TopicOutcome.Created, Describe(v.Wanted)),
                { Problem: null } => new TopicReport(v.Wanted.Name, TopicOutcome.Present, "created meanwhile by another process"),
                var c => new TopicReport(v.Wanted.Name, TopicOutcome.NotCreated, "not created: " + (c?.Problem ?? "the broker did not say")),
            },
        }).ToList();
        var note = configs.Problem is { } p ? $"config not checked: {p}; partitions and replication factor only" : null;
        return new ApplyReport(reports, partitions, note);
    }

    /// <summary>The catalogue, plus the metric topics of environments not asked for that the cluster already has.</summary>
    private static List<TopicSpec> Wanted(int partitions, IReadOnlyList<string> environments, IEnumerable<string> existing)
    {
        var wanted = TopicCatalog.Standard(partitions, environments).ToList();
        var metricSpec = TopicCatalog.Standard(partitions, ["x"]).First(t => TopicNames.IsMetricsTopic(t.Name));
        var known = wanted.Select(w => w.Name).ToHashSet(StringComparer.Ordinal);
        wanted.AddRange(existing.Where(t => TopicNames.IsMetricsTopic(t) && !known.Contains(t)).Order(StringComparer.Ordinal)
            .Select(t => metricSpec with { Name = t }));
        return wanted;
    }

    private static string Describe(TopicSpec t) =>
        $"{(t.Partitions == 1 ? "1 partition" : $"{t.Partitions} partitions")}, " + string.Join(", ", t.Configs().Select(c => $"{c.Key}={c.Value}"));
}
