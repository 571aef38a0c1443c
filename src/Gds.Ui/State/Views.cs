using Gds.Contracts.Silences;

namespace Gds.Ui.State;

public enum AlertState { Pending, Firing, Resolved }

/// <summary>A series the shadow engine holds pending: breaching, not yet for `for`.</summary>
public sealed record PendingAlert(string DedupKey, string RuleId, string InstanceId, string MetricName, IReadOnlyDictionary<string, string>? SeriesLabels,
    IReadOnlyDictionary<string, string> Labels, string Severity, double? Value, string? Expected, DateTimeOffset Since, string GroupKey, string? Summary);

/// <summary>One alert as the page shows it.</summary>
public sealed record AlertView(
    string DedupKey, string RuleId, string InstanceId, string MetricName, IReadOnlyDictionary<string, string> SeriesLabels,
    IReadOnlyDictionary<string, string> Labels, AlertState State, string Severity, double? Value, string? Expected, string? Summary,
    DateTimeOffset Since, DateTimeOffset LastEventAt, DateTimeOffset? EndsAt, string GroupKey,
    IReadOnlyList<string> SilencedBy, IReadOnlyList<string> InhibitedBy, string? AcknowledgedBy, string? RunbookUrl, int Notices)
{
    public bool Silenced => SilencedBy.Count > 0;
    public bool Inhibited => InhibitedBy.Count > 0;
    public bool Acknowledged => AcknowledgedBy is not null;
}

public sealed record SilenceView(string Id, string Status, Silence? Silence, string? Error, string When, string Options, int Muting);

public sealed record BoardSnapshot(DateTimeOffset Now, bool CaughtUp, long Version, IReadOnlyList<AlertView> Alerts,
    IReadOnlyList<SilenceView> Silences, IReadOnlyList<Rule> Rules, int Acks);

public sealed record AlertDetail(AlertView Alert, IReadOnlyList<TimelineEntry> Timeline, IReadOnlyList<(DateTimeOffset At, double Value)> Samples, Rule? Rule);

/// <summary>The newest samples of one series, oldest first; a fixed ring so a chatty series cannot grow it.</summary>
internal sealed class SampleRing(int capacity)
{
    private readonly (DateTimeOffset At, double Value)[] _items = new (DateTimeOffset, double)[capacity];
    private int _start;
    private int _count;

    public void Add(DateTimeOffset at, double value)
    {
        // The same sample read twice (a replay) or a late one: keep the ring in time order.
        if (_count > 0 && _items[(_start + _count - 1) % _items.Length].At >= at) return;
        if (_count < _items.Length) _items[(_start + _count++) % _items.Length] = (at, value);
        else
        {
            _items[_start] = (at, value);
            _start = (_start + 1) % _items.Length;
        }
    }

    public List<(DateTimeOffset At, double Value)> ToList()
    {
        var list = new List<(DateTimeOffset, double)>(_count);
        for (var i = 0; i < _count; i++) list.Add(_items[(_start + i) % _items.Length]);
        return list;
    }
}
