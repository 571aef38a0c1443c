namespace Gds.Topology.Clients;

/// <summary>
/// The consumer a stream thread runs on, as Streamiz built it, with two additions: every poll is reported to the
/// thread's liveness probe, and a commit that the group refuses while it rebalances is skipped instead of thrown.
/// <para>
/// Why skip: Streamiz 1.8.2 commits the offsets of revoked partitions inside the revocation callback, and a commit
/// that fails there leaves its task manager marked "rebalance in progress" forever: the thread then sleeps in a loop
/// and never polls again (the survivor of a failover stalled so, see docs/topology.md). A skipped commit loses
/// nothing: the partition's next owner reads again from the last commit, and the topology suppresses every
/// transition it has already emitted. Outside a revocation only "rebalance in progress" is skipped; other commit
/// errors (the member was fenced) still reach Streamiz, which closes its tasks and rejoins.
/// </para>
/// </summary>
/// <param name="lagTracking">the consumer's registration for the lag of /metrics, ended before the consumer closes</param>
internal sealed class GuardedConsumer(IConsumer<byte[], byte[]> inner, ThreadLiveness.Probe probe, CommitGuard guard, IDisposable? lagTracking = null) : IConsumer<byte[], byte[]>
{
    public Handle Handle => inner.Handle;
    public string Name => inner.Name;
    public string MemberId => inner.MemberId;
    public List<TopicPartition> Assignment => inner.Assignment;
    public List<string> Subscription => inner.Subscription;
    public IConsumerGroupMetadata ConsumerGroupMetadata => inner.ConsumerGroupMetadata;

    public int AddBrokers(string brokers) => inner.AddBrokers(brokers);
    public void SetSaslCredentials(string username, string password) => inner.SetSaslCredentials(username, password);

    public ConsumeResult<byte[], byte[]> Consume(int millisecondsTimeout)
    {
        probe.Entering();
        try { return inner.Consume(millisecondsTimeout); }
        finally { probe.Left(); }
    }

    public ConsumeResult<byte[], byte[]> Consume(CancellationToken cancellationToken = default)
    {
        probe.Entering();
        try { return inner.Consume(cancellationToken); }
        finally { probe.Left(); }
    }

    public ConsumeResult<byte[], byte[]> Consume(TimeSpan timeout)
    {
        probe.Entering();
        try { return inner.Consume(timeout); }
        finally { probe.Left(); }
    }

    public void Commit(IEnumerable<TopicPartitionOffset> offsets)
    {
        var list = offsets as IReadOnlyCollection<TopicPartitionOffset> ?? offsets.ToList();
        try
        {
            inner.Commit(list);
        }
        catch (KafkaException ex) when (guard.Skips(ex.Error))
        {
            guard.Skipped(ex.Error, list);
        }
    }

    public List<TopicPartitionOffset> Commit() => inner.Commit();
    public void Commit(ConsumeResult<byte[], byte[]> result) => inner.Commit(result);

    public void Subscribe(IEnumerable<string> topics) => inner.Subscribe(topics);
    public void Subscribe(string topic) => inner.Subscribe(topic);
    public void Unsubscribe() => inner.Unsubscribe();
    public void Assign(TopicPartition partition) => inner.Assign(partition);
    public void Assign(TopicPartitionOffset partition) => inner.Assign(partition);
    public void Assign(IEnumerable<TopicPartitionOffset> partitions) => inner.Assign(partitions);
    public void Assign(IEnumerable<TopicPartition> partitions) => inner.Assign(partitions);
    public void IncrementalAssign(IEnumerable<TopicPartitionOffset> partitions) => inner.IncrementalAssign(partitions);
    public void IncrementalAssign(IEnumerable<TopicPartition> partitions) => inner.IncrementalAssign(partitions);
    public void IncrementalUnassign(IEnumerable<TopicPartition> partitions) => inner.IncrementalUnassign(partitions);
    public void Unassign() => inner.Unassign();
    public void StoreOffset(ConsumeResult<byte[], byte[]> result) => inner.StoreOffset(result);
    public void StoreOffset(TopicPartitionOffset offset) => inner.StoreOffset(offset);
    public void Seek(TopicPartitionOffset tpo) => inner.Seek(tpo);
    public void Pause(IEnumerable<TopicPartition> partitions) => inner.Pause(partitions);
    public void Resume(IEnumerable<TopicPartition> partitions) => inner.Resume(partitions);
    public List<TopicPartitionOffset> Committed(TimeSpan timeout) => inner.Committed(timeout);
    public List<TopicPartitionOffset> Committed(IEnumerable<TopicPartition> partitions, TimeSpan timeout) => inner.Committed(partitions, timeout);
    public Offset Position(TopicPartition partition) => inner.Position(partition);
    public List<TopicPartitionOffset> OffsetsForTimes(IEnumerable<TopicPartitionTimestamp> timestampsToSearch, TimeSpan timeout) => inner.OffsetsForTimes(timestampsToSearch, timeout);
    public WatermarkOffsets GetWatermarkOffsets(TopicPartition topicPartition) => inner.GetWatermarkOffsets(topicPartition);
    public WatermarkOffsets QueryWatermarkOffsets(TopicPartition topicPartition, TimeSpan timeout) => inner.QueryWatermarkOffsets(topicPartition, timeout);

    public void Close()
    {
        probe.Retire();
        lagTracking?.Dispose();
        inner.Close();
    }

    public void Dispose()
    {
        probe.Retire();
        lagTracking?.Dispose();
        inner.Dispose();
    }
}
