using Gds.Alerting.Matchers;
using Gds.Contracts.Silences;

namespace Gds.Alerting.Silences;

public enum SilenceStatus
{
    /// <summary>Starts later.</summary>
    Pending,
    /// <summary>Mutes what it matches now.</summary>
    Active,
    /// <summary>Recurring and between two windows.</summary>
    Waiting,
    /// <summary>Its end has passed (or it was expired).</summary>
    Expired,
}

/// <summary>
/// A silence ready to evaluate: its matchers parsed and its windows resolved. Active at t when t is within
/// [starts_at, ends_at) (either bound may be absent) and, for a recurring silence, inside one of its windows.
/// </summary>
public sealed class CompiledSilence
{
    public Silence Silence { get; }
    public string Id => Silence.Id;
    public MatcherSet Matchers { get; }
    public IReadOnlyList<WeeklyWindow> Windows { get; }
    public DateTimeOffset? StartsAt => Silence.StartsAt;
    public DateTimeOffset? EndsAt => Silence.EndsAt;
    public bool IsRecurring => Windows.Count > 0;
    /// <summary>Auto-expiry applies: the silence ends itself once nothing it matches fires any more.</summary>
    public bool ExpiresWhenClear => Silence.ExpireWhenClear || Silence.UntilResolved;
    /// <summary>An alert this silence muted still gets its resolved notice (#226; implied by until_resolved).</summary>
    public bool WantsResolvedNotice => Silence.NotifyResolved || Silence.UntilResolved;

    private CompiledSilence(Silence silence, MatcherSet matchers, IReadOnlyList<WeeklyWindow> windows)
    {
        Silence = silence;
        Matchers = matchers;
        Windows = windows;
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels) => Matchers.Matches(labels);

    public bool IsActiveAt(DateTimeOffset t)
    {
        if (StartsAt is { } s && t < s) return false;
        if (EndsAt is { } e && t >= e) return false;
        if (Windows.Count == 0) return true;
        foreach (var w in Windows)
            if (w.Contains(t)) return true;
        return false;
    }

    public bool Mutes(IReadOnlyDictionary<string, string> labels, DateTimeOffset t) => IsActiveAt(t) && Matches(labels);

    public SilenceStatus StatusAt(DateTimeOffset now)
    {
        if (EndsAt is { } e && now >= e) return SilenceStatus.Expired;
        if (StartsAt is { } s && now < s) return SilenceStatus.Pending;
        return IsActiveAt(now) ? SilenceStatus.Active : SilenceStatus.Waiting;
    }

    /// <summary>
    /// The next window of a recurring silence that is open at or after <paramref name="after"/> (the current one
    /// when inside a window), within the coming 8 days and the silence's own range. For display: it steps minute by
    /// minute, which is exact because window bounds and zone offsets fall on whole minutes.
    /// </summary>
    public (DateTimeOffset Start, DateTimeOffset End)? NextWindow(DateTimeOffset after)
    {
        if (Windows.Count == 0) return null;
        var step = TimeSpan.FromMinutes(1);
        var t = new DateTimeOffset(after.UtcTicks - after.UtcTicks % step.Ticks, TimeSpan.Zero);
        var limit = t + TimeSpan.FromDays(8);
        if (!IsActiveAt(after))
        {
            while (t <= limit && !IsActiveAt(t)) t += step;
            if (t > limit) return null;
        }
        else t = after;
        var end = t;
        var endLimit = t + TimeSpan.FromDays(8);
        while (end <= endLimit && IsActiveAt(end)) end += step;
        if (EndsAt is { } e && end > e) end = e;
        return (t, end);
    }

    public static CompiledSilence Compile(Silence silence)
    {
        if (TryCompile(silence, out var compiled, out var errors)) return compiled!;
        throw new InvalidSilenceException(silence.Id, errors);
    }

    /// <summary>Validates a silence; every problem is named, so the CLI can refuse it before it is published.</summary>
    public static bool TryCompile(Silence silence, out CompiledSilence? compiled, out IReadOnlyList<string> errors)
    {
        var errs = new List<string>();
        if (string.IsNullOrWhiteSpace(silence.Id)) errs.Add("id: is required");
        var matchers = MatcherSet.Parse(silence.Matchers ?? [], out var matcherErrors);
        errs.AddRange(matcherErrors.Select(e => "matcher " + e));
        if ((silence.Matchers?.Count ?? 0) == 0) errs.Add("matchers: at least one is required (e.g. instance_id=prod-db-01)");
        else if (matcherErrors.Count == 0 && matchers.Matchers.All(m => m.MatchesEmpty()))
            errs.Add("matchers: at least one must need a label to be present (these would silence every alert)");
        if (silence.StartsAt is { } s && silence.EndsAt is { } e && e < s)
            errs.Add($"ends_at {e:O} is before starts_at {s:O}");
        var windows = new List<WeeklyWindow>();
        if (silence.Schedule is { } schedule)
            for (var i = 0; i < schedule.Count; i++)
            {
                try { windows.Add(WeeklyWindow.FromContract(schedule[i])); }
                catch (ScheduleFormatException ex) { errs.Add($"schedule[{i}]: {ex.Message}"); }
            }
        errors = errs;
        compiled = errs.Count == 0 ? new CompiledSilence(silence, matchers, windows) : null;
        return compiled is not null;
    }

    public override string ToString() => $"{Id} [{Matchers}]";
}

public sealed class InvalidSilenceException(string id, IReadOnlyList<string> errors)
    : Exception($"silence '{id}': " + string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
