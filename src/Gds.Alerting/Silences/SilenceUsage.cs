using System.Text.Json.Serialization;

namespace Gds.Alerting.Silences;

/// <summary>
/// What one stream task has seen of an auto-expiring silence (expire_when_clear, until_resolved): when it first
/// muted a firing alert (armed) and since when nothing it matches fires (clear). Kept in the task's store so a
/// restart neither forgets that a silence was in use nor restarts its grace period.
/// </summary>
public sealed class SilenceUsage
{
    [JsonPropertyName("armed_at")] public DateTimeOffset? ArmedAt { get; set; }
    [JsonPropertyName("clear_since")] public DateTimeOffset? ClearSince { get; set; }
    [JsonPropertyName("expired_at")] public DateTimeOffset? ExpiredAt { get; set; }
}

/// <summary>
/// When an auto-expiring silence ends itself. It must first have been in use: active and matching a firing
/// alert (so a maintenance silence created ahead of time does not expire before anything fires). Then, once
/// nothing it matches fires: an until_resolved silence ends at once (#3825: mute until the alerts resolve);
/// an expire_when_clear one after a grace period, so a flapping alert does not end it on its first dip (#5459).
/// </summary>
public static class SilenceAutoExpiry
{
    /// <returns>The expiry to apply and publish, or null; <paramref name="usage"/> is updated either way.</returns>
    public static SilenceExpiry? Observe(CompiledSilence silence, SilenceUsage usage, bool matchesFiring, DateTimeOffset now, TimeSpan grace)
    {
        if (!silence.ExpiresWhenClear || usage.ExpiredAt is not null) return null;
        if (matchesFiring)
        {
            if (silence.IsActiveAt(now)) usage.ArmedAt ??= now;
            usage.ClearSince = null;
            return null;
        }
        if (usage.ArmedAt is null) return null;
        usage.ClearSince ??= now;
        var wait = silence.Silence.UntilResolved ? TimeSpan.Zero : grace;
        if (now - usage.ClearSince.Value < wait) return null;
        usage.ExpiredAt = now;
        var reason = silence.Silence.UntilResolved
            ? "until_resolved: every alert it muted has resolved"
            : $"expire_when_clear: nothing it matches has fired for {Gds.Contracts.Rules.DurationText.Format(wait)}";
        return new SilenceExpiry(silence.Id, now, reason, SilenceExpiry.Ended(silence.Silence, now));
    }
}
