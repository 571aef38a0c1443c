using Gds.Contracts.Watchdog;

namespace Gds.Notify.Watchdog;

/// <summary>
/// The watchdog's state: what it heard from the topology and what it last told people. It compares the two each
/// time it is asked (<see cref="Due"/>) instead of reacting to edges, so a restarted sink, or the sink instance that
/// takes the watchdog over, reaches the right decision from what it reads back from gds.watchdog: it pages an
/// outage nobody paged yet, sends the all-clear of one that was paged and has ended, and repeats neither.
/// Not thread-safe: its owner serialises calls.
/// </summary>
public sealed class HeartbeatMonitor
{
    private readonly WatchdogOptions _options;
    private readonly TimeProvider _clock;
    private readonly DateTimeOffset _watchingSince;
    private readonly Dictionary<string, TopologyHeartbeat> _lastPerTask = new(StringComparer.Ordinal);
    /// <summary>The newest heartbeat's own time (the topology's clock): it names the episode.</summary>
    private DateTimeOffset? _newest;
    /// <summary>When the watchdog last heard a heartbeat, on its own clock: silence is measured from here.</summary>
    private DateTimeOffset? _lastHeard;
    private DateTimeOffset? _backAt;
    private WatchdogEpisode? _notified;
    private WatchdogNotice? _pending;

    public HeartbeatMonitor(WatchdogOptions options, TimeProvider clock)
    {
        _options = options;
        _clock = clock;
        _watchingSince = clock.GetUtcNow();
    }

    /// <summary>What was last notified (by this instance or another), as read from the topic or just delivered.</summary>
    public WatchdogEpisode? Notified => _notified;

    /// <param name="live">
    /// True for a heartbeat read as it arrives; false for one written before this watch began (read while catching
    /// up), which counts from the time it says it was written.
    /// </param>
    public void Heard(string key, TopologyHeartbeat heartbeat, bool live)
    {
        var now = _clock.GetUtcNow();
        _lastPerTask[key] = heartbeat;
        if (_newest is null || heartbeat.At > _newest)
        {
            if (_notified is { State: WatchdogEpisode.Down } down && IsAfter(heartbeat.At, down.LastHeartbeat) && _backAt is null)
                _backAt = heartbeat.At;
            _newest = heartbeat.At;
        }
        var heard = live || heartbeat.At > now ? now : heartbeat.At;
        if (_lastHeard is null || heard > _lastHeard) _lastHeard = heard;
    }

    /// <summary>An episode record read from the topic; an older one than what is known (read late) changes nothing.</summary>
    public void Read(WatchdogEpisode episode)
    {
        if (_notified is not null && episode.NotifiedAt < _notified.NotifiedAt) return;
        _notified = episode;
        _backAt = null;
    }

    /// <summary>
    /// The notification to send now, if any: the all-clear of a paged outage once a newer heartbeat came, or the
    /// page of a silence of <see cref="WatchdogOptions.Timeout"/>. Nothing while the previous one is under way.
    /// </summary>
    public WatchdogNotice? Due()
    {
        if (_pending is not null) return null;
        var now = _clock.GetUtcNow();
        if (_notified is { State: WatchdogEpisode.Down } down)
        {
            if (!IsAfter(_newest, down.LastHeartbeat)) return null;
            return _pending = WatchdogMessages.AllClear(down, _backAt ?? _newest!.Value, now, _options);
        }
        var silentSince = _lastHeard ?? _watchingSince;
        if (now - silentSince < _options.Timeout) return null;
        var episode = WatchdogMessages.EpisodeId(_newest, _watchingSince);
        if (_notified?.EpisodeId == episode) return null; // this very silence was paged and cleared already
        return _pending = WatchdogMessages.Page(episode, _newest, silentSince, now, _lastPerTask.Values, _options);
    }

    /// <summary>The notice was delivered (or finally refused): it is now what was last notified.</summary>
    public void Delivered(WatchdogNotice notice)
    {
        if (ReferenceEquals(_pending, notice)) _pending = null;
        Read(notice.Episode);
    }

    /// <summary>The notice was not delivered (shutdown): it is due again.</summary>
    public void Abandoned(WatchdogNotice notice)
    {
        if (ReferenceEquals(_pending, notice)) _pending = null;
    }

    private static bool IsAfter(DateTimeOffset? heartbeat, DateTimeOffset? than) =>
        heartbeat is { } h && (than is null || h > than);
}
