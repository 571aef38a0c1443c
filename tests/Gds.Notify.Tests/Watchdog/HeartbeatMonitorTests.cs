using Gds.Contracts.Watchdog;
using Gds.Notify.Watchdog;
using Microsoft.Extensions.Time.Testing;

namespace Gds.Notify.Tests.Watchdog;

/// <summary>The watchdog's decisions on a fake clock: one page per outage, one all-clear, across restarts and take-overs.</summary>
public sealed class HeartbeatMonitorTests
{
    private static readonly WatchdogOptions Options = new() { Interval = TimeSpan.FromSeconds(30), Timeout = TimeSpan.FromMinutes(2) };
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private static TopologyHeartbeat Beat(DateTimeOffset at, int partition = 0) =>
        new() { ApplicationId = "gds-streams", TaskId = $"3-{partition}", Partition = partition, At = at, Host = "streams-1" };

    private DateTimeOffset _lastBeat;

    private void HearLive(HeartbeatMonitor m, int partition = 0)
    {
        _lastBeat = _clock.GetUtcNow();
        m.Heard(TopologyHeartbeat.KeyFor("gds-streams", $"3-{partition}"), Beat(_lastBeat, partition), live: true);
    }

    /// <summary>Runs the topology for <paramref name="duration"/>: a heartbeat every interval, the watchdog asked every 5 s.</summary>
    private List<WatchdogNotice> Healthy(HeartbeatMonitor m, TimeSpan duration)
    {
        var sent = new List<WatchdogNotice>();
        var end = _clock.GetUtcNow() + duration;
        var nextBeat = _clock.GetUtcNow();
        while (_clock.GetUtcNow() < end)
        {
            if (_clock.GetUtcNow() >= nextBeat) { HearLive(m); nextBeat += Options.Interval; }
            sent.AddRange(Deliver(m));
            _clock.Advance(TimeSpan.FromSeconds(5));
        }
        return sent;
    }

    /// <summary>Asks the watchdog every 5 s for <paramref name="duration"/> without a heartbeat, delivering what it sends.</summary>
    private List<WatchdogNotice> Silent(HeartbeatMonitor m, TimeSpan duration)
    {
        var sent = new List<WatchdogNotice>();
        var end = _clock.GetUtcNow() + duration;
        while (_clock.GetUtcNow() < end)
        {
            sent.AddRange(Deliver(m));
            _clock.Advance(TimeSpan.FromSeconds(5));
        }
        return sent;
    }

    private static IEnumerable<WatchdogNotice> Deliver(HeartbeatMonitor m)
    {
        if (m.Due() is not { } n) yield break;
        m.Delivered(n);
        yield return n;
    }

    [Fact]
    public void A_healthy_topology_pages_nobody()
    {
        var m = new HeartbeatMonitor(Options, _clock);
        Assert.Empty(Healthy(m, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void A_silence_of_the_timeout_pages_once_with_the_last_heartbeat_and_what_to_check_and_its_end_sends_one_all_clear()
    {
        var m = new HeartbeatMonitor(Options, _clock);
        Healthy(m, TimeSpan.FromMinutes(5));
        HearLive(m);
        var lastBeat = _lastBeat;

        var early = Silent(m, Options.Timeout - TimeSpan.FromSeconds(10));
        Assert.Empty(early);
        var during = Silent(m, TimeSpan.FromMinutes(30));

        var page = Assert.Single(during);
        Assert.True(page.IsPage);
        Assert.Equal("CRITICAL", page.Request.Severity);
        Assert.StartsWith("GdsStreams topology stopped: no heartbeat since ", page.Request.Subject);
        Assert.Contains("gds-streams task 3-0 on streams-1", page.Request.BodyText);
        Assert.Contains("What to check", page.Request.BodyText);
        Assert.Equal(WatchdogMessages.EpisodeId(lastBeat, default), page.Request.MessageId);

        HearLive(m);
        var back = Silent(m, TimeSpan.FromSeconds(1)).Concat(Healthy(m, TimeSpan.FromMinutes(10))).ToList();
        var clear = Assert.Single(back);
        Assert.False(clear.IsPage);
        Assert.Equal(page.Request.MessageId + "-resolved", clear.Request.MessageId);
        Assert.StartsWith("Resolved: GdsStreams topology is running again", clear.Request.Subject);
    }

    [Fact]
    public void One_task_alive_is_enough_the_watchdog_watches_the_pipeline_as_a_whole()
    {
        var m = new HeartbeatMonitor(Options, _clock);
        HearLive(m, partition: 0);
        HearLive(m, partition: 1);
        var sent = new List<WatchdogNotice>();
        for (var i = 0; i < 60; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(30));
            HearLive(m, partition: 1); // task 0 has gone quiet, task 1 has not
            sent.AddRange(Deliver(m));
        }
        Assert.Empty(sent);
    }

    [Fact]
    public void A_sink_that_starts_while_the_topology_is_dead_pages_after_the_timeout_even_with_no_heartbeat_ever()
    {
        var m = new HeartbeatMonitor(Options, _clock);
        Assert.Empty(Silent(m, Options.Timeout - TimeSpan.FromSeconds(5)));
        var page = Assert.Single(Silent(m, TimeSpan.FromMinutes(10)));
        Assert.Contains("none seen yet", page.Request.BodyText);
    }

    [Fact]
    public void A_sink_restarted_long_after_the_last_heartbeat_pages_at_once_with_the_same_id_as_before_its_restart()
    {
        var last = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromMinutes(10));
        var restarted = new HeartbeatMonitor(Options, _clock);
        restarted.Heard("heartbeat/gds-streams/3-0", Beat(last), live: false);

        var page = restarted.Due();
        Assert.NotNull(page);
        Assert.Equal(WatchdogMessages.EpisodeId(last, default), page.Request.MessageId);
    }

    [Fact]
    public void A_sink_restarted_during_a_paged_outage_does_not_page_again_and_sends_the_all_clear_when_heartbeats_return()
    {
        var first = new HeartbeatMonitor(Options, _clock);
        Healthy(first, TimeSpan.FromMinutes(1));
        var page = Assert.Single(Silent(first, TimeSpan.FromMinutes(5)));

        // What the restarted sink reads back from gds.watchdog: the last heartbeat, then the episode it recorded.
        var restarted = new HeartbeatMonitor(Options, _clock);
        restarted.Heard("heartbeat/gds-streams/3-0", Beat(page.Episode.LastHeartbeat!.Value), live: false);
        restarted.Read(page.Episode);
        Assert.Empty(Silent(restarted, TimeSpan.FromHours(1)));

        HearLive(restarted);
        var clear = Assert.Single(Silent(restarted, TimeSpan.FromMinutes(1)));
        Assert.Equal(page.Request.MessageId + "-resolved", clear.Request.MessageId);
    }

    [Fact]
    public void An_outage_that_ended_while_no_sink_ran_gets_its_all_clear_and_a_healthy_restart_pages_nothing()
    {
        var first = new HeartbeatMonitor(Options, _clock);
        Healthy(first, TimeSpan.FromMinutes(1));
        var page = Assert.Single(Silent(first, TimeSpan.FromMinutes(5)));
        // The sink is down while the topology comes back.
        _clock.Advance(TimeSpan.FromMinutes(3));
        var backAt = _clock.GetUtcNow();
        var restarted = new HeartbeatMonitor(Options, _clock);
        restarted.Read(page.Episode);
        restarted.Heard("heartbeat/gds-streams/3-0", Beat(backAt), live: false);

        var sent = Silent(restarted, TimeSpan.FromSeconds(1)).Concat(Healthy(restarted, TimeSpan.FromMinutes(10))).ToList();
        var clear = Assert.Single(sent);
        Assert.False(clear.IsPage);
    }

    [Fact]
    public void A_second_outage_is_paged_under_a_new_id()
    {
        var m = new HeartbeatMonitor(Options, _clock);
        Healthy(m, TimeSpan.FromMinutes(1));
        var firstPage = Assert.Single(Silent(m, TimeSpan.FromMinutes(5)));
        var sent = Healthy(m, TimeSpan.FromMinutes(5)).Concat(Silent(m, TimeSpan.FromMinutes(5))).ToList();

        Assert.Equal(2, sent.Count);
        Assert.False(sent[0].IsPage);
        Assert.True(sent[1].IsPage);
        Assert.NotEqual(firstPage.Request.MessageId, sent[1].Request.MessageId);
    }

    [Fact]
    public void Nothing_more_is_due_while_a_notice_is_being_delivered_and_an_abandoned_one_comes_again_with_the_same_id()
    {
        var m = new HeartbeatMonitor(Options, _clock);
        _clock.Advance(Options.Timeout);
        var page = m.Due();
        Assert.NotNull(page);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(m.Due());
        m.Abandoned(page);
        Assert.Equal(page.Request.MessageId, m.Due()?.Request.MessageId);
    }

    [Fact]
    public void An_older_episode_record_read_late_does_not_undo_a_newer_one()
    {
        var m = new HeartbeatMonitor(Options, _clock);
        _clock.Advance(Options.Timeout);
        var page = m.Due()!;
        m.Delivered(page);
        m.Read(page.Episode with { State = WatchdogEpisode.Up, NotifiedAt = page.Episode.NotifiedAt - TimeSpan.FromHours(1) });
        Assert.Null(m.Due());
    }

    [Theory]
    [InlineData(30, 30)]
    [InlineData(30, 10)]
    [InlineData(0, 10)]
    public void A_timeout_not_longer_than_the_interval_is_refused_naming_both_keys(int intervalSeconds, int timeoutSeconds)
    {
        var errors = WatchdogOptionsValidator.Errors(new WatchdogOptions
        {
            Interval = TimeSpan.FromSeconds(intervalSeconds), Timeout = TimeSpan.FromSeconds(timeoutSeconds),
        });
        Assert.Contains(errors, e => e.StartsWith("Watchdog:") && (e.Contains("Watchdog:Interval") || e.Contains("Interval must")));
        Assert.Empty(WatchdogOptionsValidator.Errors(new WatchdogOptions()));
    }
}
