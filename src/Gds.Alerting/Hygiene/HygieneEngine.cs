using Gds.Alerting.Acknowledgements;
using Gds.Alerting.Escalation;
using Gds.Alerting.Fleet;
using Gds.Alerting.Inhibition;
using Gds.Alerting.Silences;
using Microsoft.Extensions.Options;

namespace Gds.Alerting.Hygiene;

/// <summary>
/// Alert hygiene for one stream task: takes the alert engine's events, acks and clock ticks, and decides what is
/// recorded and what reaches people. Silences and inhibition mute notifications, never evaluation: a muted
/// alert's events are still emitted, carrying silenced_by / inhibited_by (so <see cref="AlertEvent.ShouldNotify"/>
/// is false). Pure: the caller owns the store and where events go; the exact call protocol is in docs/hygiene.md.
/// <para>One instance per stream task (it holds the task's <see cref="Inhibitor"/>); the <see cref="Silencer"/>,
/// <see cref="FleetFiring"/> and escalation policies are shared by the whole process. Inhibition and auto-expiry
/// are judged against the firing alerts of the whole fleet (<see cref="FleetFiring"/>), not of the task.</para>
/// </summary>
public sealed class HygieneEngine
{
    private readonly Silencer _silencer;
    private readonly FleetFiring _fleet;
    private readonly IEscalationPolicies _escalation;
    private readonly HygieneOptions _options;
    private readonly Func<string, bool>? _ownsSilence;

    public Inhibitor Inhibitor { get; }
    public HygieneCounters Counters { get; } = new();

    /// <param name="ownsSilence">
    /// Whether this engine decides the auto-expiry of a silence (by id). Every task sees the same fleet, so exactly one
    /// of them must judge each silence and publish its expiry: the topology gives each silence to the task of the
    /// partition its id hashes to. Null: this engine judges them all (one task, tests, backtests).
    /// </param>
    public HygieneEngine(Silencer silencer, FleetFiring fleet, IEscalationPolicies escalation, IOptions<HygieneOptions> options, Func<string, bool>? ownsSilence = null)
    {
        _silencer = silencer;
        _fleet = fleet;
        _escalation = escalation;
        _options = options.Value;
        _ownsSilence = ownsSilence;
        Inhibitor = new Inhibitor(fleet);
    }

    /// <summary>
    /// An event from the alert engine (firing, a repeat, resolved). Emits what gds.alerts should carry: the event
    /// decorated with its mutes, ack and escalation; nothing for a repeat that must not re-notify (acknowledged or
    /// muted); and, when a resolved source alert stops inhibiting others, their release notices.
    /// </summary>
    public void OnAlertEvent(AlertEvent e, IHygieneStore store, ICollection<AlertEvent> output)
    {
        EnsureInhibitor(store);
        if (e.Status == AlertStatus.Resolved)
        {
            OnResolved(e, store, output);
            return;
        }
        if (e.Status != AlertStatus.Firing)
        {
            output.Add(e);
            return;
        }

        var s = store.Get(e.DedupKey);
        var newEpisode = s is null || s.EpisodeStart != e.StartsAt;
        if (newEpisode) s = HygieneState.Start(e);
        else s!.Alert = e;
        Inhibitor.OnFiring(e.DedupKey, e.Labels);
        Evaluate(s, e.EventTime);

        if (newEpisode || !s.Muted && !s.Acknowledged)
        {
            // The first event of an episode is always recorded (muted or not); a repeat only when it re-notifies.
            output.Add(HygieneEvents.Decorate(e, s));
            if (!s.Muted) Notified(s, e.EventTime);
        }
        else Counters.Suppressed++;
        store.Put(e.DedupKey, s);
    }

    /// <summary>An ack record from gds.alerts.acks (key = dedup key). Emits the acknowledged event when it applies.</summary>
    public AckOutcome OnAck(Ack ack, IHygieneStore store, ICollection<AlertEvent> output)
    {
        var s = store.Get(ack.AlertId);
        var outcome = Acknowledgement.Apply(s, ack, _options.AckClockTolerance);
        if (outcome != AckOutcome.Acknowledged) return outcome;
        output.Add(HygieneEvents.Acknowledged(s!, ack));
        Counters.Acknowledged++;
        store.Put(ack.AlertId, s!);
        return outcome;
    }

    /// <summary>
    /// Wall-clock time passing (a punctuation): re-evaluates every firing episode of the task against the silences
    /// and inhibitions in force now (an inhibiting source on another task that resolved is noticed here), notifies at
    /// once those whose muting ended (release notices), escalates those unacknowledged past a step's <c>after</c>,
    /// and ends the auto-expiring silences it owns once nothing they match fires anywhere in the fleet
    /// (<paramref name="expiries"/>: the caller publishes each <see cref="SilenceExpiry.Record"/> to gds.silences; the
    /// silence ends when that record comes back through the silences' global store, the one writer of the
    /// <see cref="Silencer"/>).
    /// </summary>
    public void OnTick(DateTimeOffset now, IHygieneStore store, ICollection<AlertEvent> output, ICollection<SilenceExpiry> expiries)
    {
        EnsureInhibitor(store);
        var firing = store.All().ToList();
        foreach (var (key, s) in firing)
            if (Reevaluate(s, now, output, escalate: true)) store.Put(key, s);
        ExpireSilences(now, store, expiries);
    }

    private void OnResolved(AlertEvent e, IHygieneStore store, ICollection<AlertEvent> output)
    {
        var released = Inhibitor.OnResolved(e.DedupKey);
        var s = store.Get(e.DedupKey);
        if (s is null || s.EpisodeStart != e.StartsAt)
        {
            // An episode hygiene never saw (state lost or started before hygiene ran): pass it on as it is.
            output.Add(e with { CorrelationId = Grouping.CorrelationIds.Of(e) });
        }
        else
        {
            // People hear the end of what they were told about; of an episode they never heard of, only when a
            // silence that muted it asked for the resolved notice (#226).
            var notify = s.Notified || s.ResolvedNoticeWanted;
            var resolved = HygieneEvents.Decorate(e, s);
            output.Add(notify ? resolved with { SilencedBy = null, InhibitedBy = null } : resolved);
            store.Delete(e.DedupKey);
        }
        foreach (var target in released)
            if (store.Get(target) is { } t && Reevaluate(t, e.EventTime, output, escalate: false))
                store.Put(target, t);
    }

    /// <returns>True when the state changed and must be written back.</returns>
    private bool Reevaluate(HygieneState s, DateTimeOffset now, ICollection<AlertEvent> output, bool escalate)
    {
        var wasMuted = s.Muted;
        var changed = Evaluate(s, now);
        if (s.Acknowledged || s.Muted) return changed;

        if (escalate && s.FirstNotifiedAt is { } notifiedAt && _escalation.For(s.Alert.RuleId) is { } policy
            && policy.Due(s.EscalationStep, notifiedAt, now) is { } level)
        {
            // Skipped steps still count: the alert lands where the whole ladder up to this step puts it.
            foreach (var l in policy.Levels.Where(l => l.Number > s.EscalationStep && l.Number <= level.Number))
            {
                s.EscalatedSeverity = HygieneEvents.Raise(s.EscalatedSeverity ?? s.Alert.Severity, l.Severity);
                if (l.RoutingKey is not null) s.EscalatedRoutingKey = l.RoutingKey;
            }
            s.EscalationStep = level.Number;
            output.Add(HygieneEvents.Escalated(s, level, now));
            Counters.Escalated++;
            Notified(s, now);
            return true;
        }
        if (wasMuted || !s.Notified)
        {
            // Its silence ended or its inhibitor resolved while it still fires: say so now, not at the next repeat
            // (Alertmanager #2896).
            s.Releases++;
            output.Add(HygieneEvents.Released(s, now));
            Counters.Released++;
            Notified(s, now);
            return true;
        }
        return changed;
    }

    /// <summary>Recomputes what mutes the episode at <paramref name="at"/>; true when that changed.</summary>
    private bool Evaluate(HygieneState s, DateTimeOffset at)
    {
        var labels = s.Alert.Labels;
        var silences = _silencer.Muting(labels, at);
        var inhibitors = Inhibitor.InhibitorsOf(s.DedupKey, labels);
        var silencedBy = silences.Count == 0 ? null : silences.Select(x => x.Id).ToList();
        var inhibitedBy = inhibitors.Count == 0 ? null : inhibitors.ToList();
        var wantsResolved = silences.Any(x => x.WantsResolvedNotice);
        var changed = !Same(s.SilencedBy, silencedBy) || !Same(s.InhibitedBy, inhibitedBy) || s.ResolvedNoticeWanted != wantsResolved;
        s.SilencedBy = silencedBy;
        s.InhibitedBy = inhibitedBy;
        // Once asked for, the resolved notice stays wanted for the episode even if that silence ends first.
        s.ResolvedNoticeWanted |= wantsResolved;
        return changed;
    }

    private void ExpireSilences(DateTimeOffset now, IHygieneStore store, ICollection<SilenceExpiry> expiries)
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var silence in _silencer.All)
        {
            if (!silence.ExpiresWhenClear || silence.StatusAt(now) == SilenceStatus.Expired) continue;
            if (_ownsSilence is not null && !_ownsSilence(silence.Id)) continue;
            live.Add(silence.Id);
            var usage = store.GetSilenceUsage(silence.Id) ?? new SilenceUsage();
            var before = (usage.ArmedAt, usage.ClearSince, usage.ExpiredAt);
            var matches = _fleet.AnyFiring(silence.Matches);
            // Once its expiry is published (ExpiredAt), Observe says nothing more of it until the record comes back.
            if (SilenceAutoExpiry.Observe(silence, usage, matches, now, _options.ExpireWhenClearGrace) is { } expiry)
            {
                expiries.Add(expiry);
                Counters.SilencesExpired++;
            }
            if (before != (usage.ArmedAt, usage.ClearSince, usage.ExpiredAt)) store.PutSilenceUsage(silence.Id, usage);
        }
        foreach (var (id, _) in store.AllSilenceUsage().ToList())
            if (!live.Contains(id)) store.DeleteSilenceUsage(id);
    }

    private void EnsureInhibitor(IHygieneStore store)
    {
        if (Inhibitor.IsCurrent) return;
        Inhibitor.Rebuild(store.All().Select(kv => (kv.Key, kv.Value.Alert.Labels, (IReadOnlyList<string>?)kv.Value.InhibitedBy)));
    }

    private void Notified(HygieneState s, DateTimeOffset at)
    {
        s.FirstNotifiedAt ??= at;
        s.LastNotifiedAt = at;
        Counters.Notified++;
    }

    private static bool Same(List<string>? a, List<string>? b) =>
        (a is null || a.Count == 0) ? (b is null || b.Count == 0) : b is not null && a.SequenceEqual(b, StringComparer.Ordinal);
}

/// <summary>What hygiene has done, for progress displays and process metrics (one task's; not thread-safe).</summary>
public sealed class HygieneCounters
{
    public long Notified;
    public long Suppressed;
    public long Acknowledged;
    public long Escalated;
    public long Released;
    public long SilencesExpired;
}
