using System.Globalization;
using Gds.Contracts.Notifications;
using Gds.Contracts.Rules;
using Gds.Contracts.Watchdog;

namespace Gds.Notify.Watchdog;

/// <summary>
/// The watchdog's two notifications. Ids are stable per outage (named after the newest heartbeat before the
/// silence), so a retry, a restarted sink or another sink instance sends the same message_id and gds_notification
/// keeps one. Both are CRITICAL, as an ordinary alert's resolved notice carries the alert's severity: the all-clear
/// reaches the people (and the email fallback) the page reached.
/// </summary>
public static class WatchdogMessages
{
    public const string AlertName = "gds-watchdog";

    public static string EpisodeId(DateTimeOffset? newestHeartbeat, DateTimeOffset watchingSince) =>
        newestHeartbeat is { } at
            ? $"gds-watchdog-{at.ToUnixTimeMilliseconds()}"
            : $"gds-watchdog-never-{watchingSince.ToUnixTimeMilliseconds()}";

    public static WatchdogNotice Page(string episodeId, DateTimeOffset? newestHeartbeat, DateTimeOffset silentSince, DateTimeOffset now,
        IReadOnlyCollection<TopologyHeartbeat> lastPerTask, WatchdogOptions options)
    {
        var since = newestHeartbeat is { } n ? Iso(n) : $"this sink started watching at {Iso(silentSince)} (none seen yet)";
        var body = new StringBuilder()
            .Append("CRITICAL: the GdsStreams alerting topology has stopped: no heartbeat on ").Append(options.Topic)
            .Append(" since ").Append(since).Append(" (").Append(Ago(now - silentSince)).Append(" ago; Watchdog:Timeout ")
            .Append(options.Timeout.ToString("c", CultureInfo.InvariantCulture)).Append(").\n")
            .Append("While it is stopped no alert fires, resolves or escalates. Alerts raised meanwhile come once it runs again.\n\n");
        if (lastPerTask.Count > 0)
        {
            body.Append("Last heartbeat per stream task:\n");
            foreach (var t in lastPerTask.OrderBy(t => t.ApplicationId, StringComparer.Ordinal).ThenBy(t => t.Partition))
                body.Append("  ").Append(t.ApplicationId).Append(" task ").Append(t.TaskId).Append(" on ").Append(t.Host ?? "?")
                    .Append(" at ").Append(Iso(t.At)).Append('\n');
            body.Append('\n');
        }
        body.Append("What to check:\n")
            .Append("  - are the `gds streams` processes running (docker-compose ps streams, systemctl, kubectl)? their last log lines (\"giving up\", \"streams state ERROR\")\n")
            .Append("  - their /readyz; whether they reach Kafka (bootstrap servers, credentials, TLS)\n")
            .Append("  - the consumer group of their application id (kafka-consumer-groups --describe --group gds-streams): members and lag\n")
            .Append("  - disk space of their --state-dir (RocksDB)\n\n")
            .Append("Sent by the watchdog of gds sink. An all-clear follows when heartbeats return.\n")
            .Append("Event: ").Append(episodeId).Append('\n');
        return new WatchdogNotice(Request(episodeId, $"GdsStreams topology stopped: no heartbeat since {(newestHeartbeat is { } h ? Iso(h) : Iso(silentSince))}",
                body.ToString(), options),
            new WatchdogEpisode { EpisodeId = episodeId, State = WatchdogEpisode.Down, LastHeartbeat = newestHeartbeat, MessageId = episodeId, NotifiedAt = now });
    }

    public static WatchdogNotice AllClear(WatchdogEpisode down, DateTimeOffset backAt, DateTimeOffset now, WatchdogOptions options)
    {
        var id = down.EpisodeId + "-resolved";
        var from = down.LastHeartbeat is { } last ? Iso(last) : "before any heartbeat was seen";
        var body = new StringBuilder()
            .Append("RESOLVED: the GdsStreams alerting topology is running again: heartbeats on ").Append(options.Topic)
            .Append(" are back since ").Append(Iso(backAt)).Append(".\n")
            .Append("Silent from ").Append(from).Append(down.LastHeartbeat is { } l ? $" ({Ago(backAt - l)})" : "").Append(".\n")
            .Append("It now evaluates the metrics that arrived meanwhile; alerts of that time come as it catches up.\n\n")
            .Append("Event: ").Append(id).Append(" (resolves ").Append(down.MessageId).Append(")\n");
        return new WatchdogNotice(Request(id, $"Resolved: GdsStreams topology is running again (heartbeats since {Iso(backAt)})", body.ToString(), options),
            new WatchdogEpisode { EpisodeId = down.EpisodeId, State = WatchdogEpisode.Up, LastHeartbeat = down.LastHeartbeat, MessageId = id, NotifiedAt = now });
    }

    private static NotificationRequest Request(string messageId, string subject, string body, WatchdogOptions options) => new()
    {
        AlertName = AlertName,
        DbInstanceId = "gds-streams",
        Subject = subject,
        BodyText = body,
        MessageId = messageId,
        Severity = Severities.Critical,
        Labels = new Dictionary<string, string> { ["source"] = AlertName },
        RoutingKey = options.RoutingKey,
    };

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static string Ago(TimeSpan d) =>
        d.TotalHours >= 1 ? $"{(int)d.TotalHours} h {d.Minutes} min" : d.TotalMinutes >= 1 ? $"{(int)d.TotalMinutes} min {d.Seconds} s" : $"{Math.Max(0, (int)d.TotalSeconds)} s";
}
