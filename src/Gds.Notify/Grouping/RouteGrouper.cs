using Gds.Notify.Payload;

namespace Gds.Notify.Grouping;

/// <summary>
/// Alertmanager-style grouping for the routes that ask for it. A new group waits group_wait for company before
/// its first notification, then sends at most once per group_interval; an alert already notified in the same state
/// is not re-sent within repeat_interval. Events stay unfinished (uncommitted) until the notification that lists
/// them is delivered.
/// </summary>
public sealed class RouteGrouper(GroupingOptions options, Func<Notification, Task> send, SinkStats stats, ILogger log, CancellationToken stop)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private int _addsSinceSweep;

    /// <summary>Takes the notice if its route is grouped; false means "send it on its own".</summary>
    public bool TryAdd(AlertNotice notice)
    {
        var route = notice.Record.Route;
        var routeOptions = options.For(route);
        if (routeOptions is null) return false;
        var alert = notice.Record.Alert!;
        var key = $"{route}/{alert.GroupKey ?? alert.RuleId}";
        lock (_gate)
        {
            if (++_addsSinceSweep >= 1_000) Sweep();
            if (!_groups.TryGetValue(key, out var group)) _groups[key] = group = new Group(key, route, routeOptions);
            if (notice.HeldBack.Count == 0
                && group.Notified.TryGetValue(AlertFields.DedupKey(alert), out var last)
                && last.Status == alert.Status
                && DateTimeOffset.UtcNow - last.At < routeOptions.RepeatInterval)
            {
                stats.OnSuppressed(1);
                notice.Record.Finish();
                return true;
            }
            group.Pending.Add(notice);
            if (!group.Flushing)
            {
                group.Flushing = true;
                _ = FlushLoopAsync(group);
            }
        }
        return true;
    }

    /// <summary>Forgets what no timer needs any more, so memory follows the active groups, not every group ever seen.</summary>
    private void Sweep()
    {
        _addsSinceSweep = 0;
        var now = DateTimeOffset.UtcNow;
        foreach (var (key, g) in _groups.ToList())
        {
            foreach (var (dedup, last) in g.Notified.ToList())
                if (now - last.At >= g.Options.RepeatInterval) g.Notified.Remove(dedup);
            if (!g.Flushing && g.Pending.Count == 0 && g.Notified.Count == 0
                && (g.LastFlush is null || now - g.LastFlush >= g.Options.GroupInterval))
                _groups.Remove(key);
        }
    }

    private async Task FlushLoopAsync(Group group)
    {
        try
        {
            while (true)
            {
                TimeSpan wait;
                lock (_gate)
                {
                    wait = group.LastFlush is { } lastFlush
                        ? lastFlush + group.Options.GroupInterval - DateTimeOffset.UtcNow
                        : group.Options.GroupWait;
                }
                if (wait > TimeSpan.Zero) await Task.Delay(wait, stop).ConfigureAwait(false);
                List<AlertNotice> batch;
                lock (_gate)
                {
                    if (group.Pending.Count == 0)
                    {
                        group.Flushing = false;
                        return;
                    }
                    batch = [.. group.Pending];
                    group.Pending.Clear();
                    var now = DateTimeOffset.UtcNow;
                    group.LastFlush = now;
                    foreach (var n in batch) group.Notified[AlertFields.DedupKey(n.Record.Alert!)] = (n.Record.Alert!.Status, now);
                }
                log.LogDebug("group {Group}: {Count} event(s) after waiting {Wait}", group.Key, batch.Count, wait);
                // Delivery of one group is sequential: a slow group delays only itself.
                await send(new Notification(GroupComposer.Compose(group.Key, group.Route, batch), group.Route,
                    batch.SelectMany(n => n.AllRecords).ToList())).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Shutting down: the group's events stay uncommitted and are regrouped after a restart.
        }
        catch (Exception ex)
        {
            log.LogError(ex, "group {Group} failed", group.Key);
            lock (_gate) group.Flushing = false;
            throw;
        }
    }

    private sealed class Group(string key, string route, GroupRouteOptions options)
    {
        public string Key { get; } = key;
        public string Route { get; } = route;
        public GroupRouteOptions Options { get; } = options;
        public List<AlertNotice> Pending { get; } = [];
        public DateTimeOffset? LastFlush { get; set; }
        public bool Flushing { get; set; }
        public Dictionary<string, (string Status, DateTimeOffset At)> Notified { get; } = new(StringComparer.Ordinal);
    }
}
