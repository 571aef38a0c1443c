using System.Globalization;
using System.Security.Cryptography;
using Gds.Alerting.Acknowledgements;
using Gds.Alerting.Matchers;
using Gds.Contracts.Rules;
using Gds.Contracts.Silences;

namespace Gds.Handling.Silences;

/// <summary>Turns a <see cref="SilenceDraft"/> into a <see cref="Silence"/>, or into one message naming every problem.</summary>
public static class SilenceRequest
{
    public static bool TryBuild(SilenceDraft s, DateTimeOffset now, out Silence? silence, out string? error) =>
        TryBuild(s, now, SilenceFieldNames.CommandLine, out silence, out error);

    public static bool TryBuild(SilenceDraft s, DateTimeOffset now, SilenceFieldNames n, out Silence? silence, out string? error)
    {
        silence = null;
        var errors = new List<string>();
        var matchers = new List<LabelMatcher>();
        var alertText = string.IsNullOrWhiteSpace(s.Alert) ? null : s.Alert;
        if (alertText is not null)
        {
            if (AlertReference.TryParse(alertText, out var alert, out var alertError)) matchers.AddRange(AlertMatchers(alert!));
            else errors.Add($"{n.Alert}: " + alertError);
        }
        var match = s.Match.Where(m => !string.IsNullOrWhiteSpace(m)).ToList();
        if (match.Count == 0 && alertText is null) errors.Add($"{n.Match} or {n.Alert} is required (e.g. {n.Match} 'instance_id=prod-db-01')");
        foreach (var m in match)
            if (MatcherParser.TryParse(m, out var parsed, out var e)) matchers.Add(parsed!);
            else errors.Add($"{n.Match} " + e);
        var windows = new List<SilenceWindow>();
        foreach (var w in s.Schedule.Where(w => !string.IsNullOrWhiteSpace(w)))
        {
            try { windows.Add(ScheduleParser.Parse(w).ToContract()); }
            catch (ScheduleFormatException ex) { errors.Add($"{n.Schedule} " + ex.Message); }
        }
        var starts = Time(s.StartsAt, n.StartsAt, errors) ?? now;
        var ends = Time(s.EndsAt, n.EndsAt, errors);
        if (!string.IsNullOrWhiteSpace(s.For))
        {
            if (!string.IsNullOrWhiteSpace(s.EndsAt)) errors.Add($"{n.For} and {n.EndsAt} are mutually exclusive");
            else if (!DurationText.TryParse(s.For.Trim(), out var d) || d <= TimeSpan.Zero) errors.Add($"{n.For} '{s.For}' is not a positive duration (e.g. 30m, 2h, 1d)");
            else ends = starts + d;
        }
        if (ends is null && windows.Count == 0 && !s.UntilResolved)
            errors.Add($"say how long: {n.For} DURATION, {n.EndsAt} TIME, {n.Schedule} WINDOW or {n.UntilResolved}");
        if (ends is { } e2 && e2 <= starts) errors.Add($"the silence would end ({e2:O}) before it starts ({starts:O})");
        if (ends is { } e3 && e3 <= now) errors.Add($"the silence would already be over ({e3:O})");
        if (string.IsNullOrWhiteSpace(s.By)) errors.Add($"{n.By} WHO is required");
        if (string.IsNullOrWhiteSpace(s.Comment)) errors.Add($"{n.Comment} TEXT is required (why is this silenced?)");
        if (errors.Count > 0)
        {
            error = string.Join("; ", errors);
            return false;
        }
        var candidate = new Silence
        {
            Id = string.IsNullOrWhiteSpace(s.Id) ? NewId() : s.Id.Trim(),
            Matchers = matchers.Select(m => m.ToString()).ToList(),
            StartsAt = starts,
            EndsAt = ends,
            Schedule = windows.Count == 0 ? null : windows,
            CreatedBy = s.By!.Trim(),
            Comment = s.Comment!.Trim(),
            CreatedAt = now,
            NotifyResolved = s.NotifyResolved,
            ExpireWhenClear = s.ExpireWhenClear,
            UntilResolved = s.UntilResolved,
        };
        if (!CompiledSilence.TryCompile(candidate, out _, out var invalid))
        {
            error = string.Join("; ", invalid);
            return false;
        }
        silence = candidate;
        error = null;
        return true;
    }

    /// <summary>The matchers that select one alert's series and nothing else: its identity labels and its series labels.</summary>
    public static IEnumerable<LabelMatcher> AlertMatchers(AlertReference alert) =>
        new[] { ("rule_id", alert.RuleId), ("instance_id", alert.InstanceId), ("metric_name", alert.MetricName) }
            .Concat(alert.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => (l.Key, l.Value)))
            .Select(m => new LabelMatcher(m.Item1, MatchOperator.Equal, m.Item2));

    /// <summary>Short enough to type in `gds silence expire`, random enough (64 bits) never to collide.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private static DateTimeOffset? Time(string? text, string option, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return t;
        errors.Add($"{option} '{text}' is not a time (use ISO 8601, e.g. 2026-03-29T02:00:00+02:00)");
        return null;
    }
}
