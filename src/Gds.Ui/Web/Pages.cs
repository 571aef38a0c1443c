using System.Globalization;
using System.Text.RegularExpressions;
using Gds.Alerting.Matchers;

namespace Gds.Ui.Web;

/// <summary>What the page asks for: a filter (label matchers in the silences' syntax) and what to hide.</summary>
public sealed record AlertQuery(MatcherSet Match, bool HideSilenced, bool HideInhibited, bool HideAcknowledged, bool HideResolved)
{
    public bool Keeps(AlertView a) =>
        Match.Matches(a.Labels)
        && !(HideSilenced && a.Silenced) && !(HideInhibited && a.Inhibited) && !(HideAcknowledged && a.Acknowledged)
        && !(HideResolved && a.State == AlertState.Resolved);
}

/// <summary>The JSON the page reads, shaped from a <see cref="BoardSnapshot"/>: alerts grouped as on-call people read them.</summary>
public static class Pages
{
    public static object Alerts(BoardSnapshot s, AlertQuery q)
    {
        var shown = s.Alerts.Where(q.Keeps).ToList();
        var groups = shown.GroupBy(a => a.GroupKey, StringComparer.Ordinal)
            .Select(g =>
            {
                var alerts = g.OrderBy(a => a.State == AlertState.Resolved).ThenByDescending(a => Severities.Rank(a.Severity)).ThenBy(a => a.DedupKey, StringComparer.Ordinal).ToList();
                var shared = Shared(g.Key, alerts);
                return new
                {
                    group_key = g.Key,
                    severity = alerts.OrderByDescending(a => Severities.Rank(a.Severity)).First().Severity,
                    shared_labels = shared,
                    firing = alerts.Count(a => a.State == AlertState.Firing),
                    pending = alerts.Count(a => a.State == AlertState.Pending),
                    alerts = alerts.Select(a => Alert(a, shared, s.Now)).ToList(),
                };
            })
            .OrderBy(g => g.firing == 0)
            .ThenByDescending(g => Severities.Rank(g.severity))
            .ThenByDescending(g => g.alerts.Count)
            .ThenBy(g => g.group_key, StringComparer.Ordinal)
            .ToList();
        var open = s.Alerts.Where(a => a.State != AlertState.Resolved).ToList();
        return new
        {
            now = s.Now,
            caught_up = s.CaughtUp,
            version = s.Version,
            counts = new
            {
                firing = open.Count(a => a.State == AlertState.Firing),
                pending = open.Count(a => a.State == AlertState.Pending),
                silenced = open.Count(a => a.Silenced),
                inhibited = open.Count(a => a.Inhibited),
                acknowledged = open.Count(a => a.Acknowledged),
                resolved = s.Alerts.Count(a => a.State == AlertState.Resolved),
                shown = shown.Count,
            },
            // What the filter lists offer: every value present, filtered or not.
            choices = new
            {
                instance_id = s.Alerts.Select(a => a.InstanceId).Distinct().Order(StringComparer.Ordinal).ToList(),
                rule_id = s.Alerts.Select(a => a.RuleId).Distinct().Order(StringComparer.Ordinal).ToList(),
                severity = s.Alerts.Select(a => a.Severity).Distinct().OrderByDescending(Severities.Rank).ToList(),
            },
            groups,
        };
    }

    /// <summary>
    /// The labels every alert of a group has with the same value, shown once on the group. A group of one shows its
    /// group-key labels there, so its own line still says what tells it apart.
    /// </summary>
    private static SortedDictionary<string, string> Shared(string groupKey, IReadOnlyList<AlertView> alerts)
    {
        var shared = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (alerts.Count == 1)
        {
            foreach (var part in groupKey.Split(','))
            {
                var eq = part.IndexOf('=');
                if (eq > 0 && alerts[0].Labels.TryGetValue(part[..eq], out var v)) shared[part[..eq]] = v;
            }
            return shared;
        }
        foreach (var (k, v) in alerts[0].Labels)
            if (alerts.All(a => a.Labels.TryGetValue(k, out var other) && other == v)) shared[k] = v;
        return shared;
    }

    public static object Alert(AlertView a, IReadOnlyDictionary<string, string>? shared, DateTimeOffset now) => new
    {
        dedup_key = a.DedupKey,
        rule_id = a.RuleId,
        instance_id = a.InstanceId,
        metric_name = a.MetricName,
        series = Gds.Contracts.Metrics.SeriesLabels.Describe(a.InstanceId, a.SeriesLabels),
        series_labels = a.SeriesLabels,
        state = a.State.ToString().ToLowerInvariant(),
        severity = a.Severity,
        value = a.Value,
        expected = a.Expected,
        summary = a.Summary,
        since = a.Since,
        age_seconds = Math.Max(0, (now - a.Since).TotalSeconds),
        last_event_at = a.LastEventAt,
        ends_at = a.EndsAt,
        group_key = a.GroupKey,
        labels = a.Labels.Where(kv => shared is null || !shared.ContainsKey(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(),
        all_labels = a.Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(),
        silenced = a.Silenced,
        silenced_by = a.SilencedBy,
        inhibited = a.Inhibited,
        inhibited_by = a.InhibitedBy,
        acknowledged = a.Acknowledged,
        acknowledged_by = a.AcknowledgedBy,
        runbook_url = a.RunbookUrl,
        notices = a.Notices,
    };

    public static object Detail(AlertDetail d, BoardSnapshot s)
    {
        var rule = d.Rule;
        var series = Series(d, rule);
        return new
        {
            alert = Alert(d.Alert, null, s.Now),
            timeline = d.Timeline.Select(t => new
            {
                at = t.At,
                kind = Kind(t.Kind),
                severity = t.Severity,
                value = t.Value,
                detail = t.Detail,
            }).ToList(),
            series,
            rule = rule is null ? null : RuleText(rule),
            silences = s.Silences.Where(x => d.Alert.SilencedBy.Contains(x.Id)).Select(Silence).ToList(),
        };
    }

    /// <summary>
    /// The series around the alert, with what it is judged against: the threshold of a threshold rule (on the
    /// per-second rate when the rule takes one), or the expected band the events of an anomaly rule named.
    /// </summary>
    private static object Series(AlertDetail d, Rule? rule)
    {
        var samples = d.Samples;
        var rate = rule is { Kind: "threshold", Rate: true, Per: null };
        var points = new List<double[]>();
        if (rate)
        {
            for (var i = 1; i < samples.Count; i++)
            {
                var dt = (samples[i].At - samples[i - 1].At).TotalSeconds;
                var dv = samples[i].Value - samples[i - 1].Value;
                // A drop is a counter reset, as the rule reads it.
                if (dt > 0 && dv >= 0) points.Add([samples[i].At.ToUnixTimeMilliseconds(), dv / dt]);
            }
        }
        else points.AddRange(samples.Select(x => new double[] { x.At.ToUnixTimeMilliseconds(), x.Value }));
        object? threshold = rule is { Kind: "threshold", Per: null, Value: { } v, Op: { } op } ? new { op, value = v, resolve_value = rule.ResolveValue } : null;
        var band = d.Timeline.Where(t => t.Detail is not null)
            .Select(t => (t.At, Match: BandText.Match(t.Detail!)))
            .Where(x => x.Match.Success)
            .Select(x => new
            {
                from = x.At.ToUnixTimeMilliseconds(),
                low = Num(x.Match.Groups[1].Value) - Num(x.Match.Groups[2].Value),
                high = Num(x.Match.Groups[1].Value) + Num(x.Match.Groups[2].Value),
            }).ToList();
        return new
        {
            metric = d.Alert.MetricName,
            rate,
            unit = rate ? "/s" : "",
            points,
            threshold,
            band,
            marks = d.Timeline.Select(t => new { at = t.At.ToUnixTimeMilliseconds(), kind = Kind(t.Kind) }).ToList(),
        };
    }

    // The anomaly kind's "within MEAN ± BAND", as the events' expected field carries it.
    private static readonly Regex BandText = new(@"within (-?[0-9.eE+-]+) ± ([0-9.eE+-]+)", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    private static double Num(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    public static string Kind(TimelineKind k) => k switch
    {
        TimelineKind.Pending => "pending",
        TimelineKind.Fired => "fired",
        TimelineKind.Silenced => "fired (silenced)",
        TimelineKind.Inhibited => "fired (inhibited)",
        TimelineKind.Renotified => "re-notified",
        TimelineKind.Acknowledged => "acknowledged",
        TimelineKind.AckWritten => "ack written",
        TimelineKind.Escalated => "escalated",
        _ => "resolved",
    };

    public static object Silence(SilenceView v) => new
    {
        id = v.Id,
        status = v.Status,
        error = v.Error,
        matchers = v.Silence?.Matchers ?? [],
        when = v.When,
        options = v.Options,
        starts_at = v.Silence?.StartsAt,
        ends_at = v.Silence?.EndsAt,
        schedule = v.Silence?.Schedule?.Select(w => $"{string.Join(",", w.Days)} {w.Start}-{w.End} {w.TimeZone}").ToList(),
        created_by = v.Silence?.CreatedBy,
        created_at = v.Silence?.CreatedAt,
        comment = v.Silence?.Comment,
        muting = v.Muting,
    };

    public static object Silences(BoardSnapshot s, bool all) => new
    {
        now = s.Now,
        silences = s.Silences.Where(x => all || x.Status != "expired")
            .OrderBy(x => x.Status switch { "active" => 0, "pending" => 1, "scheduled" => 2, "invalid" => 3, _ => 4 })
            .ThenByDescending(x => x.Silence?.CreatedAt)
            .Select(Silence).ToList(),
    };

    public static object Rules(BoardSnapshot s) => new
    {
        rules = s.Rules.OrderBy(r => r.Id, StringComparer.Ordinal).Select(r =>
        {
            var mine = s.Alerts.Where(a => a.RuleId == r.Id).ToList();
            var open = mine.Where(a => a.State != AlertState.Resolved).ToList();
            return new
            {
                rule = RuleText(r),
                counts = new
                {
                    firing = open.Count(a => a.State == AlertState.Firing),
                    pending = open.Count(a => a.State == AlertState.Pending),
                    silenced = open.Count(a => a.Silenced),
                    inhibited = open.Count(a => a.Inhibited),
                    acknowledged = open.Count(a => a.Acknowledged),
                    resolved = mine.Count(a => a.State == AlertState.Resolved),
                },
            };
        }).ToList(),
    };

    private static object RuleText(Rule r) => new
    {
        id = r.Id,
        kind = r.Kind,
        severity = r.Severity,
        metric = r.Selector.Metric,
        database_type = r.Selector.DatabaseType,
        environment = r.Selector.Environment,
        condition = r.Kind switch
        {
            "threshold" when r.Op is not null && r.Value is { } v => $"{r.Op} {v.ToString(CultureInfo.InvariantCulture)}" + (r.Per is { } per ? $" per {per}" : r.Rate ? "/s" : ""),
            "absence" => $"no sample for {r.Timeout}",
            "anomaly" => $"{r.Direction ?? "both"} beyond {r.Sensitivity?.ToString(CultureInfo.InvariantCulture) ?? "3"}σ",
            "burn_rate" or "burn-rate" => $"objective {r.Objective?.ToString(CultureInfo.InvariantCulture)} over {r.Period}",
            _ => "",
        },
        @for = r.For,
        routing_key = r.RoutingKey,
        summary = r.Annotations.GetValueOrDefault("summary"),
    };
}
