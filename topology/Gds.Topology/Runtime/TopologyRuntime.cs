namespace Gds.Topology.Runtime;

/// <summary>
/// What the topology's tasks share while they run, handed to each stage: the partition count of the metric topics
/// (found when the stream starts), the counters the process reports, and which stores are being restored. The host
/// keeps the counters and the tracker across stream incarnations, so a replaced stream counts on.
/// </summary>
public sealed class TopologyRuntime(int partitions, TopologyCounters? counters = null, RestorationTracker? restoration = null)
{
    /// <summary>
    /// Partitions of the metric topics: a task seeds absence series only for instances whose key hashes to its own
    /// partition, and judges the auto-expiry of the silences whose id does, so each is done once, not once per task.
    /// 0 = one task sees everything (TopologyTestDriver, backtests).
    /// </summary>
    public int Partitions { get; } = partitions;
    public TopologyCounters Counters { get; } = counters ?? new();
    /// <summary>Fed by the host from Streamiz's restore events; a stage does not let time act while its task restores.</summary>
    public RestorationTracker Restoration { get; } = restoration ?? new();

    /// <summary>Whether the task of <paramref name="partition"/> owns <paramref name="key"/> (an instance, a silence id).</summary>
    public Func<string, bool>? OwnerOf(int partition) =>
        Partitions <= 1 ? null : key => Gds.Kafka.Clients.KeyPartitioner.PartitionFor(key, Partitions) == partition;

    /// <summary>True while any store of the task of <paramref name="partition"/> is being restored.</summary>
    public bool Restoring(int partition)
    {
        foreach (var store in AlertingTopology.TaskStores)
            if (Restoration.IsRestoring(store, partition)) return true;
        return false;
    }
}
