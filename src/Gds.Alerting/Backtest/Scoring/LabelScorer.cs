using Gds.Contracts.Alerts;
using Gds.Contracts.Metrics;

namespace Gds.Alerting.Backtest;

/// <summary>The figures of one group of series (or of all of them) against their labels.</summary>
public sealed record LabelScore(
    string Group, int Series, int Windows, int Detected, int FalseAlarms, int RepeatsInWindows, double SeriesWeeks,
    TimeSpan? MedianDelay, double RawScore)
{
    /// <summary>Windows detected / (windows detected + detections outside every window); null when nothing fired.</summary>
    public double? Precision => Detected + FalseAlarms == 0 ? null : (double)Detected / (Detected + FalseAlarms);
    public double? Recall => Windows == 0 ? null : (double)Detected / Windows;
    public double FalseAlarmsPerSeriesWeek => SeriesWeeks > 0 ? FalseAlarms / SeriesWeeks : 0;

    /// <summary>
    /// 0 for a rule that never fires, 100 for one that detects every window at its start and never fires outside
    /// one; below 0 when its false alarms cost more than its detections earn. Null without windows (nothing to
    /// normalise against: the false alarms per series-week say it all).
    /// </summary>
    public double? Score => Windows == 0 ? null : 100 * (RawScore + Windows) / (2.0 * Windows);
}

/// <summary>
/// Scores a run's firing events against labelled incident windows, in the manner of the Numenta Anomaly Benchmark:
/// for each window only the earliest detection counts, and it earns <see cref="Reward"/> (≈1 at the window's start,
/// falling along a sigmoid to 0 at its end); a window without a detection costs <see cref="MissCost"/>; every
/// detection outside all windows costs <see cref="FalseAlarmCost"/>. Later detections inside a window are neither
/// rewarded nor charged (an alert that re-fires within an incident is counted as a repeat). A detection is the
/// moment an alert fires (its first firing event), after any `for`, since that is when someone is told.
/// </summary>
public sealed class LabelScorer(IReadOnlyDictionary<string, IReadOnlyList<LabelWindow>> labels, string? groupBy = null)
{
    public const double MissCost = 1;
    /// <summary>NAB's "standard profile" weight: about nine false alarms cost as much as one missed incident.</summary>
    public const double FalseAlarmCost = 0.11;

    private sealed class Series(string key, IReadOnlyList<LabelWindow> windows)
    {
        public readonly string Key = key;
        public readonly IReadOnlyList<LabelWindow> Windows = windows;
        public readonly DateTimeOffset?[] FirstDetection = new DateTimeOffset?[windows.Count];
        public DateTimeOffset First = DateTimeOffset.MaxValue, Last = DateTimeOffset.MinValue;
        public string Group = "";
        public int FalseAlarms, Repeats;
    }

    private readonly Dictionary<(string Instance, string Metric, string Labels), Series?> _series = new();
    private readonly HashSet<string> _sampled = new(StringComparer.Ordinal);
    public int UnlabelledEvents { get; private set; }

    /// <summary>Reward of a detection at a relative position y ∈ [0, 1] of its window: 2/(1+e^(5(y−1))) − 1, 0.987 at the start, 0.85 halfway, 0 at the end.</summary>
    public static double Reward(double y) => 2 / (1 + Math.Exp(5 * (Math.Clamp(y, 0, 1) - 1))) - 1;

    /// <summary>Every sample goes through here, so each series' span (for the false alarms per week) and group are known.</summary>
    public void OnSample(Metric sample)
    {
        var labelsText = sample.Labels.Count == 0 ? "" : SeriesLabels.Format(sample.Labels);
        var s = Find(sample.InstanceId, sample.MetricName, labelsText);
        if (s is null) return;
        if (s.First == DateTimeOffset.MaxValue)
            s.Group = groupBy is null ? "all" : GroupOf(sample, groupBy);
        if (sample.Timestamp < s.First) s.First = sample.Timestamp;
        if (sample.Timestamp > s.Last) s.Last = sample.Timestamp;
    }

    public void OnEvent(AlertEvent e)
    {
        if (e.Status != AlertStatus.Firing || e.Sequence != 0) return;
        var labelsText = SeriesLabels.Format(e.SeriesLabels);
        var s = Find(e.InstanceId, e.MetricName, labelsText);
        if (s is null) { UnlabelledEvents++; return; }
        var at = e.EventTime;
        for (var i = 0; i < s.Windows.Count; i++)
        {
            if (!s.Windows[i].Contains(at)) continue;
            if (s.FirstDetection[i] is null || at < s.FirstDetection[i]) s.FirstDetection[i] = at;
            else s.Repeats++;
            return;
        }
        s.FalseAlarms++;
    }

    private static string GroupOf(Metric sample, string by) => by switch
    {
        "database_type" => sample.DatabaseType,
        "metric_name" => sample.MetricName,
        "instance_id" => sample.InstanceId,
        _ => sample.LabelOrTag(by) ?? "(none)",
    };

    private Series? Find(string instance, string metric, string labelsText)
    {
        var id = (instance, metric, labelsText);
        if (_series.TryGetValue(id, out var s)) return s;
        var key = $"{instance}:{metric}{labelsText}";
        if (labels.TryGetValue(key, out var windows) || labels.TryGetValue(instance, out windows))
        {
            s = new Series(key, windows);
            _sampled.Add(labels.ContainsKey(key) ? key : instance);
        }
        _series[id] = s;
        return s;
    }

    /// <summary>Labelled series that no sample belonged to: their windows cannot be judged and are left out.</summary>
    public IEnumerable<string> LabelledButUnseen => labels.Keys.Where(k => !_sampled.Contains(k)).Order(StringComparer.Ordinal);

    /// <summary>One score per group (ordered by name), then the overall one.</summary>
    public IReadOnlyList<LabelScore> Scores()
    {
        var all = _series.Values.OfType<Series>().Where(s => s.First != DateTimeOffset.MaxValue).ToList();
        var result = new List<LabelScore>();
        if (groupBy is not null)
            foreach (var g in all.GroupBy(s => s.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
                result.Add(Score(g.Key, g.ToList()));
        result.Add(Score("all", all));
        return result;
    }

    private static LabelScore Score(string group, List<Series> series)
    {
        int windows = 0, detected = 0, falseAlarms = 0, repeats = 0;
        double raw = 0, weeks = 0;
        var delays = new List<TimeSpan>();
        foreach (var s in series)
        {
            weeks += (s.Last - s.First).TotalDays / 7;
            falseAlarms += s.FalseAlarms;
            repeats += s.Repeats;
            raw -= FalseAlarmCost * s.FalseAlarms;
            for (var i = 0; i < s.Windows.Count; i++)
            {
                windows++;
                var w = s.Windows[i];
                if (s.FirstDetection[i] is { } at)
                {
                    detected++;
                    delays.Add(at - w.Start);
                    raw += Reward((at - w.Start) / w.Length);
                }
                else raw -= MissCost;
            }
        }
        delays.Sort();
        TimeSpan? median = delays.Count == 0 ? null
            : delays.Count % 2 == 1 ? delays[delays.Count / 2]
            : (delays[delays.Count / 2 - 1] + delays[delays.Count / 2]) / 2;
        return new LabelScore(group, series.Count, windows, detected, falseAlarms, repeats, weeks, median, raw);
    }
}
