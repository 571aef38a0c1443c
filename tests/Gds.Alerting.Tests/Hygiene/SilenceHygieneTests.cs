using static Gds.Alerting.Tests.Hygiene.HygieneHarness;

namespace Gds.Alerting.Tests.Hygiene;

public class SilenceHygieneTests
{
    private const string Key = "cpu-high:prod-db-01:cpu_usage_percent";

    [Fact]
    public void A_silence_hides_notifications_but_not_state()
    {
        var h = new HygieneHarness(Cpu());
        h.Silence("maint", T0.AddHours(-1), T0.AddHours(2), "instance_id=prod-db-01", "severity=~WARNING|INFO");

        var fired = Assert.Single(h.Cpu("prod-db-01", 95, T0));
        Assert.Equal(AlertStatus.Firing, fired.Status);
        Assert.Equal(["maint"], fired.SilencedBy);
        Assert.False(fired.ShouldNotify);                                          // recorded, not notified
        Assert.Equal(AlertPhase.Firing, h.Series.Get(Key)!.Lifecycle.Phase);     // still evaluated
        Assert.Equal(["maint"], h.Store.Get(Key)!.SilencedBy);

        Assert.Empty(h.Cpu("prod-db-01", 96, T0.AddMinutes(10)));                 // the repeat is not re-sent
        var other = Assert.Single(h.Cpu("prod-db-02", 95, T0));                  // not matched: notified
        Assert.True(other.ShouldNotify);
    }

    [Fact]
    public void When_a_silence_ends_while_the_alert_fires_it_is_notified_at_once()
    {
        var h = new HygieneHarness(Cpu());
        h.Silence("maint", T0.AddHours(-1), T0.AddMinutes(30), "instance_id=prod-db-01");
        var fired = Assert.Single(h.Cpu("prod-db-01", 95, T0));
        Assert.False(fired.ShouldNotify);

        Assert.Empty(h.Tick(T0.AddMinutes(29)));
        var released = Assert.Single(h.Tick(T0.AddMinutes(30)));                 // not at the next repeat (T0+40m)
        Assert.Equal(AlertStatus.Firing, released.Status);
        Assert.True(released.ShouldNotify);
        Assert.NotEqual(fired.EventId, released.EventId);
        Assert.Equal(fired.CorrelationId, released.CorrelationId);
        Assert.Empty(h.Tick(T0.AddMinutes(31)));                                  // once

        var repeat = Assert.Single(h.Cpu("prod-db-01", 95, T0.AddMinutes(10).AddMinutes(30)));
        Assert.True(repeat.ShouldNotify);                                        // repeats resume
    }

    [Fact]
    public void Expiring_a_silence_early_releases_what_it_muted_on_the_next_tick()
    {
        var h = new HygieneHarness(Cpu());
        h.Silence("maint", T0.AddHours(-1), T0.AddHours(2), "instance_id=prod-db-01");
        h.Cpu("prod-db-01", 95, T0);
        // What `gds silence expire` publishes: the same silence ending now.
        h.Silence(SilenceExpiry.Ended(h.Silencer.Get("maint")!.Silence, T0.AddMinutes(5)));
        Assert.True(Assert.Single(h.Tick(T0.AddMinutes(5))).ShouldNotify);
    }

    [Fact]
    public void Resolved_while_silenced_is_muted_unless_the_silence_asks_for_the_resolved_notice()
    {
        var h = new HygieneHarness(Cpu());
        h.Silence("quiet", T0.AddHours(-1), T0.AddHours(2), "instance_id=prod-db-01");
        h.Silence(new Gds.Contracts.Silences.Silence
        {
            Id = "tell-me-when-over", Matchers = ["instance_id=prod-db-02"], StartsAt = T0.AddHours(-1), EndsAt = T0.AddHours(2),
            CreatedBy = "test", NotifyResolved = true,
        });
        h.Cpu("prod-db-01", 95, T0);
        h.Cpu("prod-db-02", 95, T0);

        var quiet = Assert.Single(h.Cpu("prod-db-01", 50, T0.AddMinutes(5)));
        Assert.Equal(AlertStatus.Resolved, quiet.Status);
        Assert.False(quiet.ShouldNotify);                                        // nobody heard it fire
        var told = Assert.Single(h.Cpu("prod-db-02", 50, T0.AddMinutes(5)));
        Assert.Equal(AlertStatus.Resolved, told.Status);
        Assert.True(told.ShouldNotify);                                          // Alertmanager #226
        Assert.Equal(0, h.Store.Count);
    }

    [Fact]
    public void An_alert_notified_before_a_silence_still_gets_its_resolved_notice_during_it()
    {
        var h = new HygieneHarness(Cpu());
        Assert.True(Assert.Single(h.Cpu("prod-db-01", 95, T0)).ShouldNotify);
        h.Silence("later", T0.AddMinutes(1), T0.AddHours(2), "instance_id=prod-db-01");
        Assert.Empty(h.Tick(T0.AddMinutes(2)));
        Assert.Empty(h.Cpu("prod-db-01", 95, T0.AddMinutes(10)));                // repeat muted
        Assert.True(Assert.Single(h.Cpu("prod-db-01", 50, T0.AddMinutes(15))).ShouldNotify);
    }

    [Fact]
    public void A_recurring_maintenance_window_mutes_only_inside_the_window_across_the_DST_change()
    {
        var h = new HygieneHarness(Cpu());
        h.Silence(new Gds.Contracts.Silences.Silence
        {
            Id = "sunday-maint", Matchers = ["instance_id=prod-db-01"], CreatedBy = "test",
            Schedule = [ScheduleParser.Parse("sun 02:00-04:00 Europe/Paris").ToContract()],
        });
        var jump = new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero);        // 02:00 CET → 03:00 CEST
        Assert.True(Assert.Single(h.Cpu("prod-db-01", 95, jump.AddMinutes(-1))).ShouldNotify);   // 01:59 CET
        Assert.Single(h.Cpu("prod-db-01", 50, jump.AddMinutes(-1).AddSeconds(30)));

        var inside = Assert.Single(h.Cpu("prod-db-01", 95, jump));                // 03:00 CEST: inside
        Assert.Equal(["sunday-maint"], inside.SilencedBy);
        Assert.Empty(h.Tick(jump.AddMinutes(59)));
        Assert.True(Assert.Single(h.Tick(jump.AddHours(1))).ShouldNotify);       // 04:00 CEST: window over
    }

    [Fact]
    public void An_until_resolved_silence_mutes_until_its_alerts_resolve_then_sends_the_resolved_notice_and_expires()
    {
        var h = new HygieneHarness(Cpu());
        h.Silence(new Gds.Contracts.Silences.Silence
        {
            Id = "until-fixed", Matchers = ["instance_id=prod-db-01"], StartsAt = T0.AddMinutes(-1), CreatedBy = "test", UntilResolved = true,
        });
        Assert.False(Assert.Single(h.Cpu("prod-db-01", 95, T0)).ShouldNotify);
        Assert.Empty(h.Tick(T0.AddHours(5)));                                     // no end time: still muted
        Assert.Empty(h.Expiries);

        var resolved = Assert.Single(h.Cpu("prod-db-01", 50, T0.AddHours(6)));
        Assert.True(resolved.ShouldNotify);                                      // Alertmanager #3825
        h.Tick(T0.AddHours(6).AddSeconds(1));
        var expiry = Assert.Single(h.Expiries);
        Assert.Equal("until-fixed", expiry.SilenceId);
        Assert.Equal(T0.AddHours(6).AddSeconds(1), expiry.Record.EndsAt);
        Assert.Equal(SilenceStatus.Expired, h.Silencer.Get("until-fixed")!.StatusAt(T0.AddHours(6).AddSeconds(2)));

        Assert.True(Assert.Single(h.Cpu("prod-db-01", 95, T0.AddHours(7))).ShouldNotify);  // the next episode is news
    }

    [Fact]
    public void An_expire_when_clear_silence_expires_once_nothing_it_matches_has_fired_for_the_grace_period()
    {
        var h = new HygieneHarness(Cpu());
        h.Silence(new Gds.Contracts.Silences.Silence
        {
            Id = "incident", Matchers = ["instance_id=prod-db-01"], StartsAt = T0.AddMinutes(-1), EndsAt = T0.AddDays(7),
            CreatedBy = "test", ExpireWhenClear = true,
        });
        h.Tick(T0.AddMinutes(-1).AddSeconds(1));
        Assert.Empty(h.Expiries);                                                 // never used yet: stays
        h.Cpu("prod-db-01", 95, T0);
        h.Tick(T0.AddMinutes(1));
        h.Cpu("prod-db-01", 50, T0.AddMinutes(10));
        h.Tick(T0.AddMinutes(11));
        h.Cpu("prod-db-01", 95, T0.AddMinutes(12));                                // flaps back within the grace
        h.Tick(T0.AddMinutes(13));
        h.Cpu("prod-db-01", 50, T0.AddMinutes(14));
        h.Tick(T0.AddMinutes(15));
        h.Tick(T0.AddMinutes(19));
        Assert.Empty(h.Expiries);
        h.Restart();                                                              // the grace survives a restart
        h.Tick(T0.AddMinutes(20));
        Assert.Equal("incident", Assert.Single(h.Expiries).SilenceId);
    }

    [Fact]
    public void A_silence_created_ahead_of_time_is_not_armed_by_alerts_before_it_starts()
    {
        var h = new HygieneHarness(Cpu());
        h.Silence(new Gds.Contracts.Silences.Silence
        {
            Id = "tomorrow", Matchers = ["instance_id=prod-db-01"], StartsAt = T0.AddDays(1), EndsAt = T0.AddDays(1).AddHours(2),
            CreatedBy = "test", UntilResolved = true,
        });
        Assert.True(Assert.Single(h.Cpu("prod-db-01", 95, T0)).ShouldNotify);
        h.Tick(T0.AddMinutes(1));
        h.Cpu("prod-db-01", 50, T0.AddMinutes(2));
        h.Tick(T0.AddMinutes(3));
        Assert.Empty(h.Expiries);
    }

    [Fact]
    public void Invalid_silences_are_refused_with_reasons_and_drop_their_older_version()
    {
        var s = new Silencer();
        Assert.Empty(s.Upsert(new Gds.Contracts.Silences.Silence { Id = "a", Matchers = ["instance_id=x"], CreatedBy = "t" }));
        var errors = s.Upsert(new Gds.Contracts.Silences.Silence { Id = "a", Matchers = ["instance_id=~("], CreatedBy = "t" });
        Assert.Contains(errors, e => e.Contains("not a valid regular expression"));
        Assert.Null(s.Get("a"));
        Assert.Contains(s.Upsert(new Gds.Contracts.Silences.Silence { Id = "b", Matchers = ["team!=dba"], CreatedBy = "t" }),
            e => e.Contains("would silence every alert"));
    }
}
