using Gds.Alerting.Events;

namespace Gds.Alerting.Grouping;

/// <summary>
/// The correlation id on every alert event is the id of its episode: the event id of the firing event that
/// opened it. Firing, re-notifications, acknowledgement, escalations, release notices and the resolution of one
/// episode share it, so a receiver threads one incident's story; a new episode of the same alert gets a new one.
/// (Batching several alerts is the group key's job, <see cref="GroupKeys"/>.) Because event ids are
/// deterministic, the episode id can be recomputed from the dedup key and the episode's start alone.
/// </summary>
public static class CorrelationIds
{
    public static string ForEpisode(string dedupKey, DateTimeOffset episodeStart) =>
        EventIds.For(dedupKey, AlertStatus.Firing, episodeStart, 0);

    /// <summary>The event's correlation id, or its episode's when the producer left it empty.</summary>
    public static string Of(AlertEvent e) => e.CorrelationId ?? ForEpisode(e.DedupKey, e.StartsAt);
}
