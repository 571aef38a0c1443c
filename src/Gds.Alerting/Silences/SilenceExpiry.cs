using Gds.Contracts.Silences;

namespace Gds.Alerting.Silences;

/// <summary>Why and when a silence ends itself; the topology publishes <see cref="Record"/> to gds.silences.</summary>
public sealed record SilenceExpiry(string SilenceId, DateTimeOffset At, string Reason, Silence Record)
{
    /// <summary>
    /// The silence as it reads once ended at <paramref name="at"/>: the same record with ends_at set, not a
    /// tombstone, so `gds silence list --all` still shows who silenced what and until when.
    /// </summary>
    public static Silence Ended(Silence s, DateTimeOffset at)
    {
        var starts = s.StartsAt is { } st && st > at ? at : s.StartsAt;
        return s with { EndsAt = at, StartsAt = starts };
    }
}
