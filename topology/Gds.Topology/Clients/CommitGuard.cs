namespace Gds.Topology.Clients;

/// <summary>
/// Decides which failed offset commits of one stream thread are skipped rather than thrown into Streamiz (see
/// <see cref="GuardedConsumer"/>): any failure while partitions are being revoked or lost, and "rebalance in
/// progress" at any time (the group refuses commits until it is stable again; librdkafka's embedded broker does so
/// for the whole of a rebalance, a Kafka broker only late in one).
/// </summary>
internal sealed class CommitGuard(ILogger log, string thread)
{
    private int _revoking;
    private long _skipped;

    public long SkippedCommits => Interlocked.Read(ref _skipped);

    /// <summary>Runs a revocation (or loss) callback; commits inside it never throw.</summary>
    public T Revoking<T>(Func<T> callback)
    {
        Interlocked.Increment(ref _revoking);
        try { return callback(); }
        finally { Interlocked.Decrement(ref _revoking); }
    }

    public bool Skips(Error error) => Volatile.Read(ref _revoking) > 0 || error.Code == ErrorCode.RebalanceInProgress;

    public void Skipped(Error error, IReadOnlyCollection<TopicPartitionOffset> offsets)
    {
        Interlocked.Increment(ref _skipped);
        var partitions = string.Join(",", offsets.Select(o => o.Partition.Value).Distinct().Order());
        if (Volatile.Read(ref _revoking) > 0)
            log.LogWarning("{Thread}: offsets of revoked partitions {Partitions} not committed ({Error}); their next owner reads again from the last commit, and transitions already emitted are not emitted again",
                thread, partitions, error.Reason);
        else
            log.LogInformation("{Thread}: offsets of partitions {Partitions} not committed ({Error}); committing again after the rebalance", thread, partitions, error.Reason);
    }
}
