using System.Globalization;
using Gds.Contracts.Rules;

namespace Gds.Handling.Silences;

/// <summary>How silences read to a person.</summary>
public static class SilenceText
{
    public static string Status(SilenceStatus s) => s switch
    {
        SilenceStatus.Active => "active",
        SilenceStatus.Pending => "pending",
        SilenceStatus.Waiting => "scheduled",
        _ => "expired",
    };

    public static string When(CompiledSilence s, DateTimeOffset now)
    {
        var parts = new List<string>();
        if (s.IsRecurring)
        {
            parts.Add(string.Join("; ", s.Windows.Select(w => w.ToString())));
            if (s.StatusAt(now) is SilenceStatus.Active or SilenceStatus.Waiting && s.NextWindow(now) is { } next)
                parts.Add((next.Start <= now ? "now, until " : $"next {Time(next.Start)} until ") + Time(next.End));
        }
        var range = (s.StartsAt, s.EndsAt) switch
        {
            (null, null) => null,
            ({ } a, null) => a > now ? $"from {Time(a)}" : null,
            (null, { } b) => $"until {Time(b)}",
            ({ } a, { } b) => a > now ? $"{Time(a)} → {Time(b)}" : $"until {Time(b)}" + (b > now ? $" ({DurationText.Format(Round(b - now))} left)" : ""),
        };
        if (range is not null) parts.Add(range);
        if (s.Silence.UntilResolved) parts.Add("until its alerts resolve");
        return string.Join(", ", parts);
    }

    public static string Options(CompiledSilence s) =>
        string.Join(" ", new[]
        {
            s.Silence.NotifyResolved ? "notify-resolved" : null,
            s.Silence.ExpireWhenClear ? "expire-when-clear" : null,
            s.Silence.UntilResolved ? "until-resolved" : null,
        }.Where(x => x is not null));

    public static string Describe(CompiledSilence s, DateTimeOffset now) =>
        $"{s.Matchers}; {When(s, now)}" + (Options(s) is { Length: > 0 } o ? $"; {o}" : "");

    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);

    private static TimeSpan Round(TimeSpan t) => TimeSpan.FromMinutes(Math.Ceiling(t.TotalMinutes));
}
