using Gds.Alerting.Engine;
using Gds.Alerting.Events;
using Gds.Alerting.Grouping;
using Gds.Alerting.Rules;
using Gds.Alerting.Silences;
using Gds.Alerting.State;
using Gds.Contracts.Metrics;
using Gds.Contracts.Silences;
using Gds.Handling.Silences;

namespace Gds.Ui.State;

/// <summary>
/// What the page shows, held in memory and fed by <see cref="Feed.TopicFeed"/> from the topics: every alert's latest
/// event and timeline (gds.alerts), the silences, the acks, the rules, and the recent samples of every series. A
/// page load reads it and never waits on Kafka. One lock: writes come from one consumer thread, reads are short
/// snapshots; <see cref="Changed"/> tells the live page to fetch again.
/// <para>Pending alerts never reach gds.alerts (only transitions do), so the board runs the topology's own
/// <see cref="AlertEngine"/> over the metric records as a shadow, and reads which series are pending from its state;
/// its events are dropped, gds.alerts stays the record of what fired.</para>
/// </summary>
public sealed class AlertBoard
{
    /// <summary>How long an ack may predate the episode it acknowledges (the topology's Hygiene:AckClockTolerance default).</summary>
    private static readonly TimeSpan AckTolerance = TimeSpan.FromMinutes(1);

    private readonly object _gate = new();
    private readonly BoardLimits _limits;
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, AlertEntry> _alerts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Silence? Silence, CompiledSilence? Compiled, string? Error)> _silences = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Ack> _acks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Rule> _rules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SampleRing> _samples = new(StringComparer.Ordinal);
    private readonly RuleBook _book = new();
    private readonly AlertEngine _shadow;
    private readonly InMemorySeriesStateStore _shadowStore = new();
    private readonly List<AlertEvent> _discard = [];
    private Dictionary<string, PendingAlert> _pending = new(StringComparer.Ordinal);
    private long _version;

    public AlertBoard(BoardLimits? limits = null, TimeProvider? clock = null)
    {
        _limits = limits ?? new BoardLimits();
        _clock = clock ?? TimeProvider.System;
        _shadow = new AlertEngine(_book);
    }

    /// <summary>Raised after every change, with the new version; handlers must be quick (they only signal).</summary>
    public event Action<long>? Changed;

    public long Version => Interlocked.Read(ref _version);

    /// <summary>True once the feed has read every topic to the end it had at start: until then the page says "catching up".</summary>
    public bool CaughtUp { get; private set; }

    public DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>Samples the shadow evaluator could not fold (they are still charted).</summary>
    public long ShadowFailures { get; private set; }

    public void MarkCaughtUp()
    {
        CaughtUp = true;
        Touch();
    }

    public void OnAlertEvent(AlertEvent e)
    {
        lock (_gate)
        {
            if (!_alerts.TryGetValue(e.DedupKey, out var entry)) _alerts[e.DedupKey] = entry = new AlertEntry(e.DedupKey);
            entry.Apply(e, _limits.TimelineLength);
            if (e.Status != AlertStatus.Resolved) _pending.Remove(e.DedupKey);
            PruneResolved();
        }
        Touch();
    }

    /// <param name="value">the record as JSON (the feed decodes Avro before it gets here)</param>
    public void OnSilence(string id, byte[]? value)
    {
        lock (_gate)
        {
            if (value is null || value.Length == 0) _silences.Remove(id);
            else
            {
                var (_, silence, error) = SilenceTopic.Read(Gds.Kafka.Wire.RecordCodec.Json, id, value);
                _silences[id] = (silence, error is null && silence is not null ? CompiledSilence.Compile(silence) : null, error);
            }
        }
        Touch();
    }

    public void OnAck(string alertId, Ack? ack)
    {
        lock (_gate)
        {
            if (ack is null) _acks.Remove(alertId);
            else _acks[alertId] = ack;
        }
        Touch();
    }

    public void OnRule(string id, Rule? rule)
    {
        lock (_gate)
        {
            if (rule is null)
            {
                _rules.Remove(id);
                _book.Remove(id);
            }
            else
            {
                _rules[id] = rule;
                try { _book.Upsert(CompiledRule.Compile(rule)); }
                catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException) { _book.Remove(id); }
            }
        }
        Touch();
    }

    public void OnSample(Metric m)
    {
        lock (_gate)
        {
            var key = SeriesKey(m.InstanceId, m.MetricName, m.Labels);
            if (!_samples.TryGetValue(key, out var ring))
            {
                if (_samples.Count >= _limits.MaxSeries) return;
                _samples[key] = ring = new SampleRing(_limits.SamplesPerSeries);
            }
            ring.Add(m.Timestamp, m.Value);
            _discard.Clear();
            try
            {
                _shadow.OnSample(m, _shadowStore, _discard);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or OverflowException)
            {
                // The shadow only tells which series are pending; a sample it cannot fold must not stop the view
                // (the topology dead-letters such samples on its own side).
                ShadowFailures++;
            }
        }
    }

    /// <summary>
    /// Reads which series the shadow engine holds pending, after a batch of samples (cheaper than after each), and
    /// adds a "pending" line to the timeline of those that just became so.
    /// </summary>
    public void RefreshPending()
    {
        var changed = false;
        lock (_gate)
        {
            var now = Now;
            var next = new Dictionary<string, PendingAlert>(StringComparer.Ordinal);
            foreach (var (_, state) in _shadowStore.All())
            {
                if (state.Lifecycle.Phase != AlertPhase.Pending || !_book.TryGet(state.RuleId, out var rule)) continue;
                var dedup = DedupKeys.For(state.RuleId, state.InstanceId, state.MetricName, state.Labels);
                if (_alerts.TryGetValue(dedup, out var fired) && fired.IsOpen) continue;
                var severity = state.Lifecycle.Severity ?? rule.Rule.Severity;
                var labels = AlertEventFactory.Labels(rule, state, severity);
                var pending = new PendingAlert(dedup, state.RuleId, state.InstanceId, state.MetricName, state.Labels, labels, severity,
                    state.Lifecycle.LastValue, state.Lifecycle.LastExpected, state.Lifecycle.ActiveAt ?? now,
                    GroupKeys.For(rule.Rule.GroupBy, labels), rule.Rule.Annotations.GetValueOrDefault("summary"));
                next[dedup] = pending;
                if (!_pending.ContainsKey(dedup))
                {
                    if (!_alerts.TryGetValue(dedup, out var entry)) _alerts[dedup] = entry = new AlertEntry(dedup);
                    entry.AddPending(pending, _limits.TimelineLength);
                    changed = true;
                }
            }
            if (next.Count != _pending.Count || next.Keys.Any(k => !_pending.ContainsKey(k))) changed = true;
            _pending = next;
        }
        if (changed) Touch();
    }

    /// <summary>Everything the page needs at this moment, computed under the lock, read outside it.</summary>
    public BoardSnapshot Snapshot()
    {
        lock (_gate)
        {
            var now = Now;
            var silences = _silences.Values.Where(s => s.Compiled is not null).Select(s => s.Compiled!).ToList();
            var views = new List<AlertView>();
            foreach (var entry in _alerts.Values)
            {
                if (entry.Latest is { } e && entry.IsOpen) views.Add(View(entry, e, silences, now));
                else if (_pending.TryGetValue(entry.DedupKey, out var p)) views.Add(View(entry, p, silences, now));
                else if (entry.Latest is { } r && entry.ResolvedAt is { } at && now - at <= _limits.ResolvedKept) views.Add(View(entry, r, silences, now));
            }
            var silenceViews = _silences.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => SilenceViewOf(kv.Key, kv.Value, views, now)).ToList();
            return new BoardSnapshot(now, CaughtUp, Version, views, silenceViews, _rules.Values.ToList(), _acks.Count);
        }
    }

    /// <summary>One alert with its timeline and its series' recent samples, or null when the board never saw it.</summary>
    public AlertDetail? Detail(string dedupKey)
    {
        lock (_gate)
        {
            var now = Now;
            if (!_alerts.TryGetValue(dedupKey, out var entry)) return null;
            var silences = _silences.Values.Where(s => s.Compiled is not null).Select(s => s.Compiled!).ToList();
            AlertView view = entry.Latest is { } e && entry.IsOpen ? View(entry, e, silences, now)
                : _pending.TryGetValue(dedupKey, out var p) ? View(entry, p, silences, now)
                : View(entry, entry.Latest!, silences, now);
            var samples = _samples.TryGetValue(SeriesKey(view.InstanceId, view.MetricName, view.SeriesLabels), out var ring) ? ring.ToList() : [];
            _rules.TryGetValue(view.RuleId, out var rule);
            var timeline = entry.Timeline.ToList();
            if (_acks.TryGetValue(dedupKey, out var ack) && !timeline.Any(t => t.Kind == TimelineKind.Acknowledged && t.At >= ack.At))
                timeline.Add(new TimelineEntry(ack.At, TimelineKind.AckWritten, view.Severity, null, $"ack written by {ack.By}" + (ack.Comment is { } c ? $": {c}" : "")));
            return new AlertDetail(view, timeline.OrderBy(t => t.At).ToList(), samples, rule);
        }
    }

    private AlertView View(AlertEntry entry, AlertEvent e, IReadOnlyList<CompiledSilence> silences, DateTimeOffset now)
    {
        var state = e.Status == AlertStatus.Resolved ? AlertState.Resolved : AlertState.Firing;
        var silencedBy = new List<string>(e.Status == AlertStatus.Resolved ? [] : e.SilencedBy ?? []);
        // The topology marks the events it mutes; a silence made after the last event mutes what comes next, and the
        // page shows it at once, as Alertmanager's does.
        foreach (var s in silences)
            if (state == AlertState.Firing && s.Mutes(e.Labels, now) && !silencedBy.Contains(s.Id)) silencedBy.Add(s.Id);
        var ackBy = e.Status == AlertStatus.Acknowledged ? e.AcknowledgedBy ?? "someone" : e.AcknowledgedBy;
        if (ackBy is null && state == AlertState.Firing && _acks.TryGetValue(e.DedupKey, out var ack) && ack.At >= e.StartsAt - AckTolerance) ackBy = ack.By;
        var groupKey = e.GroupKey ?? GroupKeys.For(_rules.TryGetValue(e.RuleId, out var r) ? r.GroupBy : null, e.Labels);
        return new AlertView(e.DedupKey, e.RuleId, e.InstanceId, e.MetricName, e.SeriesLabels ?? SeriesLabels.None, e.Labels, state, e.Severity,
            e.Value, e.Expected, e.Summary, e.StartsAt, entry.LastEventAt, e.EndsAt, groupKey, silencedBy,
            state == AlertState.Resolved ? [] : e.InhibitedBy ?? [], state == AlertState.Resolved ? null : ackBy, e.RunbookUrl, entry.Notices);
    }

    private static AlertView View(AlertEntry entry, PendingAlert p, IReadOnlyList<CompiledSilence> silences, DateTimeOffset now) =>
        new(p.DedupKey, p.RuleId, p.InstanceId, p.MetricName, p.SeriesLabels ?? SeriesLabels.None, p.Labels, AlertState.Pending, p.Severity,
            p.Value, p.Expected, p.Summary, p.Since, p.Since, null, p.GroupKey,
            silences.Where(s => s.Mutes(p.Labels, now)).Select(s => s.Id).ToList(), [], null, null, entry.Notices);

    private static SilenceView SilenceViewOf(string id, (Silence? Silence, CompiledSilence? Compiled, string? Error) s, IReadOnlyList<AlertView> alerts, DateTimeOffset now)
    {
        if (s.Compiled is not { } c) return new SilenceView(id, "invalid", s.Silence, s.Error, "", "", 0);
        var status = c.StatusAt(now);
        var muting = status == SilenceStatus.Active ? alerts.Count(a => a.State != AlertState.Resolved && c.Matches(a.Labels)) : 0;
        return new SilenceView(id, SilenceText.Status(status), s.Silence, null, SilenceText.When(c, now), SilenceText.Options(c), muting);
    }

    private void PruneResolved()
    {
        if (_alerts.Count <= _limits.MaxAlerts) return;
        var now = Now;
        foreach (var key in _alerts.Where(kv => !kv.Value.IsOpen && kv.Value.ResolvedAt is { } at && now - at > _limits.ResolvedKept)
                     .OrderBy(kv => kv.Value.ResolvedAt).Select(kv => kv.Key).Take(_alerts.Count - _limits.MaxAlerts).ToList())
            _alerts.Remove(key);
    }

    private void Touch()
    {
        var v = Interlocked.Increment(ref _version);
        Changed?.Invoke(v);
    }

    public static string SeriesKey(string instanceId, string metricName, IReadOnlyDictionary<string, string>? labels) =>
        instanceId + "\u001f" + metricName + SeriesLabels.Format(labels);
}

/// <summary>Bounds on what the board keeps, so its memory follows the fleet, not the age of the topics.</summary>
public sealed record BoardLimits
{
    public int TimelineLength { get; init; } = 200;
    public int SamplesPerSeries { get; init; } = 900;
    public int MaxSeries { get; init; } = 100_000;
    public int MaxAlerts { get; init; } = 20_000;
    /// <summary>How long a resolved alert stays on the page (marked resolved) before it leaves it.</summary>
    public TimeSpan ResolvedKept { get; init; } = TimeSpan.FromMinutes(15);
}
