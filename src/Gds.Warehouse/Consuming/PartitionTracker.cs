namespace Gds.Warehouse.Consuming;

/// <summary>
/// The partitions the importer owns and which of them it has read to their end, as the consumer's rebalance
/// callbacks and end-of-partition events say. Only the consume thread calls it.
/// </summary>
internal sealed class PartitionTracker(ILogger logger)
{
    private readonly HashSet<TopicPartition> _assigned = [];
    private readonly HashSet<TopicPartition> _atEnd = [];

    public int AssignedCount => _assigned.Count;

    /// <summary>Every owned partition has been read to its end (false while none is owned).</summary>
    public bool AllAtEnd => _assigned.Count > 0 && _assigned.IsSubsetOf(_atEnd);

    public bool Owns(TopicPartition partition) => _assigned.Contains(partition);

    public void ReachedEnd(TopicPartition partition) => _atEnd.Add(partition);

    public void Read(TopicPartition partition) => _atEnd.Remove(partition);

    public void Assigned(IReadOnlyList<TopicPartition> partitions)
    {
        _assigned.UnionWith(partitions);
        if (partitions.Count > 0)
            logger.LogInformation("Assigned {Count} partitions: {Partitions}", partitions.Count, string.Join(", ", partitions.Select(p => $"{p.Topic}[{p.Partition.Value}]")));
    }

    public void Revoked(IReadOnlyList<TopicPartition> partitions)
    {
        Forget(partitions);
        logger.LogInformation("Revoked {Count} partitions", partitions.Count);
    }

    public void Lost(IReadOnlyList<TopicPartition> partitions)
    {
        Forget(partitions);
        logger.LogWarning("Lost {Count} partitions (session timed out); their records will be re-read by the next owner", partitions.Count);
    }

    private void Forget(IReadOnlyList<TopicPartition> partitions)
    {
        _assigned.ExceptWith(partitions);
        _atEnd.ExceptWith(partitions);
    }
}
