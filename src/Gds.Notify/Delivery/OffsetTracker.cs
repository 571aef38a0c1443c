namespace Gds.Notify.Delivery;

/// <summary>
/// Knows, per partition, which read offsets are finished, and so the highest offset that may be committed: the
/// lowest unfinished one. Events finish out of order (concurrent deliveries, routes, rate-limit holds); a commit
/// never passes an event that is not yet delivered or dead-lettered.
/// </summary>
public sealed class OffsetTracker
{
    private readonly object _gate = new();
    private readonly Dictionary<TopicPartition, PartitionProgress> _partitions = new();

    /// <summary>Registers a read offset; called in offset order per partition by the consumer loop.</summary>
    public OffsetTicket Track(TopicPartition tp, long offset)
    {
        lock (_gate)
        {
            if (!_partitions.TryGetValue(tp, out var p)) _partitions[tp] = p = new PartitionProgress(tp);
            p.Pending.Add(offset);
            if (offset + 1 > p.Next) p.Next = offset + 1;
            return new OffsetTicket(p, offset);
        }
    }

    /// <summary>Marks an offset finished. A ticket of a partition that was revoked meanwhile changes nothing.</summary>
    public void Complete(OffsetTicket ticket)
    {
        lock (_gate) ticket.Progress.Pending.Remove(ticket.Offset);
    }

    /// <summary>Offsets to commit (next offset to read, Kafka's convention) for partitions that moved since the last call.</summary>
    public List<TopicPartitionOffset> TakeCommittable(IEnumerable<TopicPartition>? only = null)
    {
        lock (_gate)
        {
            var list = new List<TopicPartitionOffset>();
            foreach (var p in only is null ? _partitions.Values : only.Where(_partitions.ContainsKey).Select(tp => _partitions[tp]))
            {
                var upTo = p.Pending.Count > 0 ? p.Pending.Min : p.Next;
                if (upTo > p.Committed)
                {
                    list.Add(new TopicPartitionOffset(p.Partition, upTo));
                    p.Committed = upTo;
                }
            }
            return list;
        }
    }

    /// <summary>Puts back offsets whose commit failed, so the next round tries again.</summary>
    public void CommitFailed(IEnumerable<TopicPartitionOffset> offsets)
    {
        lock (_gate)
            foreach (var o in offsets)
                if (_partitions.TryGetValue(o.TopicPartition, out var p) && p.Committed == o.Offset.Value)
                    p.Committed = -1;
    }

    /// <summary>Drops partitions this consumer no longer owns; their late completions go nowhere.</summary>
    public void Forget(IEnumerable<TopicPartition> partitions)
    {
        lock (_gate)
            foreach (var tp in partitions) _partitions.Remove(tp);
    }

    public int PendingCount
    {
        get { lock (_gate) return _partitions.Values.Sum(p => p.Pending.Count); }
    }

    public sealed class PartitionProgress(TopicPartition tp)
    {
        public TopicPartition Partition { get; } = tp;
        public SortedSet<long> Pending { get; } = new();
        public long Next { get; set; } = -1;
        public long Committed { get; set; } = -1;
    }
}

/// <summary>Proof of one tracked offset, bound to the partition generation it was read in.</summary>
public readonly record struct OffsetTicket(OffsetTracker.PartitionProgress Progress, long Offset);
