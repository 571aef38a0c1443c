using System.Globalization;
using Gds.Contracts.Silences;

namespace Gds.Alerting.Silences;

/// <summary>
/// A recurring weekly window in a time zone, e.g. Sundays 02:00–04:00 Europe/Paris. The window is defined on the
/// wall clock: an instant is inside when its local day and time are. That gives the sensible behaviour across DST
/// changes without special cases: on the spring-forward night, local 02:00–02:59 never happens, so a 02:00–04:00
/// window opens at the jump (03:00 local) and lasts one real hour; on the fall-back night the repeated hour is
/// inside twice, so it lasts three real hours. A window whose end is not after its start runs past midnight
/// into the next day (sat 22:00-02:00); its days are the days it starts on. 24:00 means the end of the day.
/// </summary>
public sealed class WeeklyWindow
{
    private static readonly string[] DayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    private readonly bool[] _days = new bool[7];

    public IReadOnlyList<DayOfWeek> Days { get; }
    public TimeSpan Start { get; }
    public TimeSpan End { get; }
    public TimeZoneInfo Zone { get; }
    public string ZoneId { get; }
    public bool CrossesMidnight => End <= Start;

    public WeeklyWindow(IEnumerable<DayOfWeek> days, TimeSpan start, TimeSpan end, string zoneId)
    {
        Days = days.Distinct().Order().ToList();
        if (Days.Count == 0) throw new ScheduleFormatException("a window needs at least one day");
        foreach (var d in Days) _days[(int)d] = true;
        if (start < TimeSpan.Zero || start >= TimeSpan.FromDays(1)) throw new ScheduleFormatException($"start {start} is not a time of day");
        if (end <= TimeSpan.Zero || end > TimeSpan.FromDays(1)) throw new ScheduleFormatException($"end {end} is not a time of day (00:01 to 24:00)");
        if (start == end) throw new ScheduleFormatException("start and end are equal; for a whole day write 00:00-24:00");
        Start = start;
        End = end;
        ZoneId = zoneId;
        Zone = FindZone(zoneId);
    }

    public bool Contains(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, Zone);
        var tod = local.TimeOfDay;
        var day = (int)local.DayOfWeek;
        if (!CrossesMidnight) return _days[day] && tod >= Start && tod < End;
        return (_days[day] && tod >= Start) || (_days[(day + 6) % 7] && tod < End);
    }

    public static TimeZoneInfo FindZone(string id)
    {
        if (string.IsNullOrWhiteSpace(id)) return TimeZoneInfo.Utc;
        try { return TimeZoneInfo.FindSystemTimeZoneById(id); }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ScheduleFormatException($"unknown time zone '{id}' (use an IANA id such as Europe/Paris, America/New_York or UTC)");
        }
    }

    /// <summary>The record form on gds.silences.</summary>
    public SilenceWindow ToContract() => new()
    {
        Days = Days.Select(d => DayNames[(int)d]).ToList(),
        Start = Clock(Start),
        End = Clock(End),
        TimeZone = ZoneId,
    };

    public static WeeklyWindow FromContract(SilenceWindow w)
    {
        var days = w.Days.Select(ScheduleParser.ParseDays).SelectMany(d => d);
        return new WeeklyWindow(days, ScheduleParser.ParseClock(w.Start, "start"), ScheduleParser.ParseClock(w.End, "end"), w.TimeZone);
    }

    /// <summary>The command-line form, which <see cref="ScheduleParser.Parse"/> reads back: "sun 02:00-04:00 Europe/Paris".</summary>
    public override string ToString() => $"{ScheduleParser.FormatDays(Days)} {Clock(Start)}-{Clock(End)} {ZoneId}";

    private static string Clock(TimeSpan t) =>
        t == TimeSpan.FromDays(1) ? "24:00" : t.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
}

public sealed class ScheduleFormatException(string message) : FormatException(message);
