using Gds.Alerting.Kinds;
using Gds.Alerting.Rules;
using Gds.Alerting.State;

namespace Gds.Alerting.Lifecycle;

public enum TransitionKind { None, Fired, Repeated, Resolved }

/// <summary>A change worth an event, with the episode's times captured before the state was reset.</summary>
public readonly record struct Transition(TransitionKind Kind, DateTimeOffset ActiveAt, DateTimeOffset At, int Sequence,
    string? Severity = null, string? EpisodeId = null)
{
    public static readonly Transition None = new(TransitionKind.None, default, default, 0);
}

/// <summary>
/// inactive → pending → firing → resolved, the same for every kind: `for` holds a breach in pending until it has
/// lasted that long, `keep_firing_for` holds a firing alert through short clears, `repeat_interval` re-notifies.
/// Times are event times (sample timestamps), so a replay reaches the same transitions at the same instants.
/// </summary>
public static class AlertLifecycle
{
    public static Transition Apply(CompiledRule rule, LifecycleState s, Condition c, DateTimeOffset at)
    {
        if (c.State == ConditionState.Unknown) return Transition.None;
        if (c.Observed is { } v) s.LastValue = v;
        if (c.Expected is not null) s.LastExpected = c.Expected;
        s.LastDetail = c.Detail;

        if (c.State == ConditionState.Breach)
        {
            s.LastBreachAt = at;
            switch (s.Phase)
            {
                case AlertPhase.Inactive:
                    s.ActiveAt = at;
                    s.Severity = c.Severity;
                    if (rule.For <= TimeSpan.Zero) return Fire(s, at);
                    s.Phase = AlertPhase.Pending;
                    return Transition.None;
                case AlertPhase.Pending:
                    if (c.Severity is not null) s.Severity = c.Severity;
                    return at - s.ActiveAt!.Value >= rule.For ? Fire(s, at) : Transition.None;
                case AlertPhase.Firing:
                    if (c.Severity is { } raised && Severities.Rank(raised) > Severities.Rank(s.Severity ?? rule.Rule.Severity))
                    {
                        // A kind raised the stakes mid-episode (a burn-rate ticket became a page): say so now
                        // rather than at the next repeat. Severity never drops within an episode.
                        s.Severity = raised;
                        s.Sequence++;
                        s.LastNotifiedAt = at;
                        return new Transition(TransitionKind.Repeated, s.ActiveAt!.Value, at, s.Sequence, s.Severity, s.EpisodeId);
                    }
                    if (rule.RepeatInterval > TimeSpan.Zero && s.LastNotifiedAt is { } last && at - last >= rule.RepeatInterval)
                    {
                        s.Sequence++;
                        s.LastNotifiedAt = at;
                        return new Transition(TransitionKind.Repeated, s.ActiveAt!.Value, at, s.Sequence, s.Severity, s.EpisodeId);
                    }
                    return Transition.None;
            }
        }

        // Clear
        switch (s.Phase)
        {
            case AlertPhase.Pending:
                Reset(s);
                return Transition.None;
            case AlertPhase.Firing:
                if (rule.KeepFiringFor > TimeSpan.Zero && s.LastBreachAt is { } lb && at - lb < rule.KeepFiringFor)
                    return Transition.None;
                return Resolve(s, at);
            default:
                return Transition.None;
        }
    }

    /// <summary>Ends a firing episode whatever the condition (rule deleted, data gone for good).</summary>
    public static Transition Resolve(LifecycleState s, DateTimeOffset at)
    {
        if (s.Phase != AlertPhase.Firing)
        {
            Reset(s);
            return Transition.None;
        }
        var t = new Transition(TransitionKind.Resolved, s.ActiveAt!.Value, at, s.Sequence, s.Severity, s.EpisodeId);
        Reset(s);
        return t;
    }

    private static Transition Fire(LifecycleState s, DateTimeOffset at)
    {
        s.Phase = AlertPhase.Firing;
        s.FiringSince = at;
        s.LastNotifiedAt = at;
        s.Sequence = 0;
        return new Transition(TransitionKind.Fired, s.ActiveAt!.Value, at, 0, s.Severity);
    }

    private static void Reset(LifecycleState s)
    {
        s.Phase = AlertPhase.Inactive;
        s.ActiveAt = null;
        s.FiringSince = null;
        s.LastNotifiedAt = null;
        s.Sequence = 0;
        s.Severity = null;
        s.EpisodeId = null;
    }
}
