namespace Gds.Ui.State;

public enum TimelineKind { Pending, Fired, Silenced, Inhibited, Renotified, Acknowledged, AckWritten, Escalated, Resolved }

public sealed record TimelineEntry(DateTimeOffset At, TimelineKind Kind, string Severity, double? Value, string? Detail, string? EventId = null);

/// <summary>One alert (dedup key) as gds.alerts told it: its latest event and its timeline, oldest first, bounded.</summary>
internal sealed class AlertEntry(string dedupKey)
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public string DedupKey { get; } = dedupKey;
    public AlertEvent? Latest { get; private set; }
    public List<TimelineEntry> Timeline { get; } = [];
    public DateTimeOffset LastEventAt { get; private set; }
    /// <summary>Events of the current episode (its correlation id): firing, repeats, ack, escalations.</summary>
    public int Notices { get; private set; }

    public bool IsOpen => Latest is { } e && e.Status != AlertStatus.Resolved;
    public DateTimeOffset? ResolvedAt => Latest is { Status: AlertStatus.Resolved } e ? e.EndsAt ?? e.EventTime : null;

    public void Apply(AlertEvent e, int keep)
    {
        // A replay or a retried write brings the same event again, with the same id.
        if (!_seen.Add(e.EventId)) return;
        // Partitions are read in parallel; an older event read late must not hide a newer one.
        if (Latest is null || e.EventTime >= Latest.EventTime)
        {
            if (Latest?.CorrelationId != e.CorrelationId) Notices = 0;
            Latest = e;
            LastEventAt = e.EventTime;
        }
        Notices++;
        Add(new TimelineEntry(e.EventTime, KindOf(e), e.Severity, e.Value, Detail(e), e.EventId), keep);
    }

    public void AddPending(PendingAlert p, int keep) =>
        Add(new TimelineEntry(p.Since, TimelineKind.Pending, p.Severity, p.Value, p.Expected is { } x ? $"expected {x}" : null), keep);

    private void Add(TimelineEntry t, int keep)
    {
        var i = Timeline.Count;
        while (i > 0 && Timeline[i - 1].At > t.At) i--;
        Timeline.Insert(i, t);
        while (Timeline.Count > keep)
        {
            if (Timeline[0].EventId is { } id) _seen.Remove(id);
            Timeline.RemoveAt(0);
        }
    }

    private static TimelineKind KindOf(AlertEvent e) => e.Status switch
    {
        AlertStatus.Resolved => TimelineKind.Resolved,
        AlertStatus.Acknowledged => TimelineKind.Acknowledged,
        AlertStatus.Escalated => TimelineKind.Escalated,
        _ when e.SilencedBy is { Count: > 0 } => TimelineKind.Silenced,
        _ when e.InhibitedBy is { Count: > 0 } => TimelineKind.Inhibited,
        _ when e.Sequence > 0 => TimelineKind.Renotified,
        _ => TimelineKind.Fired,
    };

    private static string? Detail(AlertEvent e)
    {
        var parts = new List<string>();
        if (e.Expected is { } x) parts.Add($"expected {x}");
        if (e.SilencedBy is { Count: > 0 } s) parts.Add("silenced by " + string.Join(", ", s));
        if (e.InhibitedBy is { Count: > 0 } i) parts.Add("inhibited by " + string.Join(", ", i));
        if (e.AcknowledgedBy is { } a) parts.Add("acknowledged by " + a);
        if (e.Status == AlertStatus.Escalated && e.RoutingKey is { } r) parts.Add("routed to " + r);
        if (e.Status == AlertStatus.Firing && e.Sequence > 0) parts.Add($"notice {e.Sequence}");
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }
}
