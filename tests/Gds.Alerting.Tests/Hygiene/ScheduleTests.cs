namespace Gds.Alerting.Tests.Hygiene;

public class ScheduleTests
{
    private static DateTimeOffset Utc(string s) => DateTimeOffset.Parse(s + "Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void The_command_line_form_parses_and_prints_back()
    {
        var w = ScheduleParser.Parse("sun 02:00-04:00 Europe/Paris");
        Assert.Equal([DayOfWeek.Sunday], w.Days);
        Assert.Equal(TimeSpan.FromHours(2), w.Start);
        Assert.Equal(TimeSpan.FromHours(4), w.End);
        Assert.Equal("sun 02:00-04:00 Europe/Paris", w.ToString());
        Assert.Equal("mon,tue,wed,thu,fri 12:00-13:00 UTC", ScheduleParser.Parse("mon-fri 12:00-13:00").ToString());
        Assert.Equal([DayOfWeek.Sunday, DayOfWeek.Monday, DayOfWeek.Friday, DayOfWeek.Saturday], ScheduleParser.Parse("fri-mon 22:00-02:00").Days);
        Assert.Equal("daily 00:00-24:00 UTC", ScheduleParser.Parse("* 00:00-24:00 UTC").ToString());
        var round = WeeklyWindow.FromContract(w.ToContract());
        Assert.Equal(w.ToString(), round.ToString());
    }

    [Theory]
    [InlineData("sun 02:00-04:00 Europe/Pari", "unknown time zone 'Europe/Pari'")]
    [InlineData("sunnday 02:00-04:00", "'sunnday' is not a day")]
    [InlineData("sun 2am-4am", "start '2am' is not a time of day")]
    [InlineData("sun 02:00-25:00", "end '25:00' is not a time of day")]
    [InlineData("sun 02:00-02:00", "start and end are equal")]
    [InlineData("sun", "expected DAYS HH:MM-HH:MM")]
    public void Bad_schedules_say_what_is_wrong(string text, string message)
    {
        var ex = Assert.Throws<ScheduleFormatException>(() => ScheduleParser.Parse(text));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void A_Paris_window_follows_the_wall_clock_in_winter_and_summer()
    {
        var w = ScheduleParser.Parse("sun 02:00-04:00 Europe/Paris");
        // Winter (UTC+1): 02:00-04:00 local = 01:00-03:00 UTC.
        Assert.False(w.Contains(Utc("2026-01-11T00:59:59")));
        Assert.True(w.Contains(Utc("2026-01-11T01:00:00")));
        Assert.True(w.Contains(Utc("2026-01-11T02:59:59")));
        Assert.False(w.Contains(Utc("2026-01-11T03:00:00")));
        // Summer (UTC+2): 00:00-02:00 UTC.
        Assert.True(w.Contains(Utc("2026-07-12T00:00:00")));
        Assert.False(w.Contains(Utc("2026-07-12T02:00:00")));
        // Not on Monday.
        Assert.False(w.Contains(Utc("2026-07-13T00:30:00")));
    }

    [Fact]
    public void On_the_spring_forward_sunday_the_window_opens_at_the_jump_and_lasts_one_real_hour()
    {
        // 2026-03-29: at 01:00 UTC Paris jumps from 02:00 CET to 03:00 CEST; local 02:00-02:59 never happens.
        var s = Silence("sun 02:00-04:00 Europe/Paris");
        Assert.False(s.IsActiveAt(Utc("2026-03-29T00:59:59")));   // 01:59:59 CET
        Assert.True(s.IsActiveAt(Utc("2026-03-29T01:00:00")));    // 03:00 CEST
        Assert.True(s.IsActiveAt(Utc("2026-03-29T01:59:59")));    // 03:59:59 CEST
        Assert.False(s.IsActiveAt(Utc("2026-03-29T02:00:00")));   // 04:00 CEST
        var next = s.NextWindow(Utc("2026-03-28T12:00:00"))!.Value;
        Assert.Equal(Utc("2026-03-29T01:00:00"), next.Start);
        Assert.Equal(Utc("2026-03-29T02:00:00"), next.End);
    }

    [Fact]
    public void On_the_fall_back_sunday_the_repeated_hour_is_inside_twice_so_it_lasts_three_real_hours()
    {
        // 2026-10-25: at 01:00 UTC Paris falls back from 03:00 CEST to 02:00 CET; local 02:00-02:59 happens twice.
        var s = Silence("sun 02:00-04:00 Europe/Paris");
        Assert.False(s.IsActiveAt(Utc("2026-10-24T23:59:59")));   // 01:59:59 CEST
        Assert.True(s.IsActiveAt(Utc("2026-10-25T00:00:00")));    // 02:00 CEST
        Assert.True(s.IsActiveAt(Utc("2026-10-25T01:30:00")));    // 02:30 CET, the second time
        Assert.True(s.IsActiveAt(Utc("2026-10-25T02:59:59")));    // 03:59:59 CET
        Assert.False(s.IsActiveAt(Utc("2026-10-25T03:00:00")));   // 04:00 CET
        var next = s.NextWindow(Utc("2026-10-24T12:00:00"))!.Value;
        Assert.Equal(TimeSpan.FromHours(3), next.End - next.Start);
    }

    [Fact]
    public void A_window_past_midnight_belongs_to_the_day_it_starts()
    {
        var w = ScheduleParser.Parse("sat 22:00-02:00 UTC");
        Assert.True(w.Contains(Utc("2026-07-11T23:00:00")));   // Saturday 23:00
        Assert.True(w.Contains(Utc("2026-07-12T01:59:00")));   // Sunday 01:59
        Assert.False(w.Contains(Utc("2026-07-12T22:30:00")));  // Sunday 22:30
        Assert.False(w.Contains(Utc("2026-07-11T01:00:00")));  // Saturday 01:00 (Friday is not listed)
    }

    [Fact]
    public void A_recurring_silence_is_bounded_by_its_own_range()
    {
        var s = Silence("daily 00:00-24:00 UTC", starts: Utc("2026-07-01T00:00:00"), ends: Utc("2026-07-02T00:00:00"));
        Assert.Equal(SilenceStatus.Pending, s.StatusAt(Utc("2026-06-30T12:00:00")));
        Assert.Equal(SilenceStatus.Active, s.StatusAt(Utc("2026-07-01T12:00:00")));
        Assert.Equal(SilenceStatus.Expired, s.StatusAt(Utc("2026-07-02T00:00:00")));
    }

    internal static CompiledSilence Silence(string schedule, DateTimeOffset? starts = null, DateTimeOffset? ends = null) =>
        CompiledSilence.Compile(new Gds.Contracts.Silences.Silence
        {
            Id = "s1", Matchers = ["instance_id=prod-db-01"], CreatedBy = "test",
            StartsAt = starts, EndsAt = ends, Schedule = [ScheduleParser.Parse(schedule).ToContract()],
        });
}
