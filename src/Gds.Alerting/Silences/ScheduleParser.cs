using System.Globalization;

namespace Gds.Alerting.Silences;

/// <summary>
/// Reads the command-line form of a weekly window: <c>DAYS HH:MM-HH:MM [TIME_ZONE]</c>, e.g.
/// <c>sun 02:00-04:00 Europe/Paris</c>, <c>mon-fri 12:00-13:00 America/New_York</c>, <c>sat,sun 22:00-02:00</c>,
/// <c>daily 00:00-06:00 UTC</c>. Days are names or three-letter abbreviations, lists with ',' and ranges with
/// '-' (fri-mon wraps over the weekend); '*' or 'daily' is every day. The zone defaults to UTC.
/// </summary>
public static class ScheduleParser
{
    private static readonly string[] Short = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    public static WeeklyWindow Parse(string text)
    {
        var parts = (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 2 or > 3)
            throw new ScheduleFormatException($"'{text}': expected DAYS HH:MM-HH:MM [TIME_ZONE], e.g. 'sun 02:00-04:00 Europe/Paris'");
        try
        {
            var days = ParseDays(parts[0]);
            var range = parts[1].Split('-');
            if (range.Length != 2) throw new ScheduleFormatException($"'{parts[1]}' is not a time range HH:MM-HH:MM");
            var start = ParseClock(range[0], "start");
            var end = ParseClock(range[1], "end");
            return new WeeklyWindow(days, start, end, parts.Length == 3 ? parts[2] : "UTC");
        }
        catch (ScheduleFormatException ex)
        {
            throw new ScheduleFormatException($"'{text}': {ex.Message}");
        }
    }

    public static IReadOnlyList<DayOfWeek> ParseDays(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t is "*" or "daily" or "everyday") return Enum.GetValues<DayOfWeek>();
        var days = new List<DayOfWeek>();
        foreach (var item in t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = item.Split('-');
            if (range.Length == 1) { days.Add(Day(range[0])); continue; }
            if (range.Length != 2) throw new ScheduleFormatException($"'{item}' is not a day or a range of days like mon-fri");
            var from = (int)Day(range[0]);
            var to = (int)Day(range[1]);
            for (var d = from; ; d = (d + 1) % 7)
            {
                days.Add((DayOfWeek)d);
                if (d == to) break;
            }
        }
        if (days.Count == 0) throw new ScheduleFormatException($"'{text}' names no day");
        return days;
    }

    public static TimeSpan ParseClock(string text, string what)
    {
        var t = text.Trim();
        if (t == "24:00") return TimeSpan.FromDays(1);
        if (TimeSpan.TryParseExact(t, [@"h\:mm", @"hh\:mm"], CultureInfo.InvariantCulture, out var v) && v < TimeSpan.FromDays(1))
            return v;
        throw new ScheduleFormatException($"{what} '{text}' is not a time of day HH:MM (00:00 to 24:00)");
    }

    public static string FormatDays(IReadOnlyList<DayOfWeek> days)
    {
        if (days.Count == 7) return "daily";
        return string.Join(",", days.Select(d => Short[(int)d]));
    }

    private static DayOfWeek Day(string s)
    {
        var t = s.Trim().ToLowerInvariant();
        for (var i = 0; i < 7; i++)
        {
            var full = ((DayOfWeek)i).ToString().ToLowerInvariant();
            if (t == Short[i] || t == full) return (DayOfWeek)i;
        }
        throw new ScheduleFormatException($"'{s}' is not a day (mon, tue, wed, thu, fri, sat, sun or full names)");
    }
}
