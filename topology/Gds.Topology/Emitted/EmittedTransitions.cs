namespace Gds.Topology.Emitted;

/// <summary>
/// The last transitions each series emitted, in a RocksDB store with a changelog (so it survives restarts and moves
/// with its task), checked before an event is forwarded: a transition already emitted is never emitted again.
/// <para>
/// Why it is needed: the offsets of the metric topics are committed every commit interval, and a task that moves
/// (failover) or restarts reads again from the last commit; a replay may even start at offset 0. A series that
/// resolved has no state left, so reading its samples again would raise its old episode again, with the same ids.
/// The receiver would drop those by message_id, but gds.alerts would carry them twice. Here an event is a repeat
/// when its episode started before the series' latest emitted episode, or when its id was already emitted in that
/// episode. Entries are kept for <see cref="TopologyOptions.EmittedRetention"/> after their last write: as long as
/// the records that produced them can be read again (the metric topics' retention).
/// </para>
/// </summary>
internal sealed class EmittedTransitions(IKeyValueStore<string, byte[]> store, TimeSpan retention)
{
    public bool IsRepeat(AlertEvent e)
    {
        if (store.Get(e.DedupKey) is not { } bytes) return false;
        var last = EmittedEpisode.Decode(bytes);
        var start = e.StartsAt.UtcTicks;
        return start < last.EpisodeStartTicks || (start == last.EpisodeStartTicks && last.EventIds.Contains(e.EventId, StringComparer.Ordinal));
    }

    public void Remember(AlertEvent e, long wallClockMs)
    {
        var start = e.StartsAt.UtcTicks;
        IReadOnlyList<string> ids = [e.EventId];
        if (store.Get(e.DedupKey) is { } bytes)
        {
            var last = EmittedEpisode.Decode(bytes);
            if (start == last.EpisodeStartTicks)
                ids = last.EventIds.Append(e.EventId).TakeLast(EmittedEpisode.MaxIds).ToList();
            else if (start < last.EpisodeStartTicks)
                return; // never moves back to an older episode
        }
        store.Put(e.DedupKey, new EmittedEpisode(start, wallClockMs, ids).Encode());
    }

    /// <summary>Deletes the entries last written longer than the retention ago; returns how many.</summary>
    public int Expire(long wallClockMs)
    {
        var cutoff = wallClockMs - (long)retention.TotalMilliseconds;
        var expired = store.All().Where(kv => EmittedEpisode.Decode(kv.Value).WrittenAtMs < cutoff).Select(kv => kv.Key).ToList();
        foreach (var key in expired) store.Delete(key);
        return expired.Count;
    }
}
