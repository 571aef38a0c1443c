namespace Gds.Topology.Emitted;

/// <summary>
/// The last transitions each series emitted, in a RocksDB store with a changelog (so it survives restarts and moves
/// with its task), checked before an event is forwarded: a transition already emitted is never emitted again.
/// <para>
/// Why it is needed: the offsets of the metric topics are committed every commit interval, and a task that moves
/// (failover) or restarts reads again from the last commit; a replay may even start at offset 0. A series that
/// resolved has no state left, so reading its samples again would raise its old episode again, with the same ids.
/// The receiver would drop those by message_id, but gds.alerts would carry them twice. Worse, reading again from a
/// commit made inside an episode that has since resolved starts that episode afresh at the first sample read again:
/// a later start, new ids, a second page for one incident. And an ended episode read again from its start looks
/// unacknowledged to the wall clock until its end is read again: escalation steps it never reached would page. Here
/// an event is a repeat when its episode started before the series' latest emitted episode, or before that episode's
/// end (a series' episodes do not overlap in event time, so one that starts inside an ended episode is that episode
/// read again from its middle), or when it belongs to that episode and the episode has resolved or its id was
/// already emitted in it. Entries are kept for <see cref="TopologyOptions.EmittedRetention"/> after their
/// last write: as long as the records that produced them can be read again (the metric topics' retention).
/// </para>
/// </summary>
internal sealed class EmittedTransitions(IKeyValueStore<string, byte[]> store, TimeSpan retention)
{
    public bool IsRepeat(AlertEvent e)
    {
        if (store.Get(e.DedupKey) is not { } bytes) return false;
        var last = EmittedEpisode.Decode(bytes);
        var start = e.StartsAt.UtcTicks;
        if (start == last.EpisodeStartTicks) return last.Resolved || last.EventIds.Contains(e.EventId, StringComparer.Ordinal);
        return start < last.EpisodeStartTicks || start < last.EndedAtTicks;
    }

    /// <param name="atSample">
    /// the event's time is a sample of its own series: only then is a resolved event's time the end of its episode
    /// in the series' own clock. A tick's time (wall clock) is not: a sample dated before it, late or from a
    /// collector whose clock lags, may begin a new episode, and must not be taken for one read again.
    /// </param>
    public void Remember(AlertEvent e, bool atSample, long wallClockMs)
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
        var resolved = e.Status == AlertStatus.Resolved;
        var ended = resolved && atSample ? e.EventTime.UtcTicks : 0;
        store.Put(e.DedupKey, new EmittedEpisode(start, wallClockMs, ids, resolved, ended).Encode());
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
