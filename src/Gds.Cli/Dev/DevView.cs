using System.Collections.Concurrent;
using Gds.Alerting.Acknowledgements;
using Gds.Contracts.Notifications;
using Spectre.Console;

namespace Gds.Cli.Dev;

/// <summary>
/// Shows `gds dev` as it runs: a live panel on a terminal, plain lines when the output is a file or a pipe
/// (CI, tests), so the same run is readable in both.
/// </summary>
public sealed class DevView(string notifyUrl, string bootstrap, IReadOnlyList<string> intro, Uri? dashboard = null)
{
    private readonly ConcurrentQueue<string> _recent = new();
    private readonly bool _interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public void OnNotification(NotificationRequest n)
    {
        var line = $"{DateTime.Now:HH:mm:ss} {n.Severity,-8} {Message(n)}  [{n.AlertName} on {Series(n)} → {n.RoutingKey ?? "-"}]";
        _recent.Enqueue(line);
        while (_recent.Count > 12) _recent.TryDequeue(out _);
        if (!_interactive) Console.WriteLine("notification " + line);
    }

    /// <summary>A silence or ack made on the dashboard, with its author.</summary>
    public void OnUiWrite(string what)
    {
        var line = $"{DateTime.Now:HH:mm:ss} ui       {what}";
        _recent.Enqueue(line);
        while (_recent.Count > 12) _recent.TryDequeue(out _);
        if (!_interactive) Console.WriteLine("ui: " + what);
    }

    public async Task RunAsync(DevProgress progress, CancellationToken ct)
    {
        Console.WriteLine($"gds dev: embedded Kafka at {bootstrap}, notifications to {notifyUrl}/ingest. Ctrl-C to stop.");
        if (dashboard is not null) Console.WriteLine($"gds dev: dashboard at {dashboard}");
        foreach (var line in intro) Console.WriteLine(line);
        var rate = new RateMeter();
        if (!_interactive)
        {
            while (!ct.IsCancellationRequested)
            {
                await Delay(TimeSpan.FromSeconds(5), ct);
                var s = progress.Read();
                Console.WriteLine($"progress metrics={s.MetricsPublished} ({rate.PerSecond(s.MetricsPublished):F0}/s) firing={s.AlertsFiring} resolved={s.AlertsResolved} delivered={s.NotificationsDelivered} failed={s.NotificationsFailed} dlq={s.Dlq}");
            }
            return;
        }
        await AnsiConsole.Live(Render(progress.Read(), 0)).StartAsync(async live =>
        {
            while (!ct.IsCancellationRequested)
            {
                await Delay(TimeSpan.FromSeconds(1), ct);
                var s = progress.Read();
                live.UpdateTarget(Render(s, rate.PerSecond(s.MetricsPublished)));
            }
        });
    }

    public void PrintFinal(DevSummary s) =>
        Console.WriteLine($"done: metrics_published={s.MetricsPublished} alerts_firing={s.AlertsFiring} alerts_resolved={s.AlertsResolved} notifications_delivered={s.NotificationsDelivered} notifications_failed={s.NotificationsFailed} dlq={s.Dlq}");

    /// <summary>The body's first line ("FIRING: ..." with the whole message), where the subject is cut at 50 characters.</summary>
    private static string Message(NotificationRequest n) =>
        n.BodyText.Split('\n', 2)[0].Trim() is { Length: > 0 } first ? first : n.Subject;

    /// <summary>
    /// The alerting series in words (orders@pg-prod-01), read from the notification's "Alert id:" line — the dedup key,
    /// which names the series' labels; the instance alone when there is none.
    /// </summary>
    private static string Series(NotificationRequest n)
    {
        const string Marker = "Alert id:";
        var line = n.BodyText.Split('\n').FirstOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal));
        return line is not null && AlertReference.TryParse(line[Marker.Length..], out var alert, out _)
            ? SeriesLabels.Describe(alert!.InstanceId, alert.Labels)
            : n.DbInstanceId;
    }

    private Spectre.Console.Rendering.IRenderable Render(DevSummary s, double perSecond)
    {
        var stats = new Table().NoBorder().HideHeaders().AddColumn("k").AddColumn("v");
        stats.AddRow("metrics published", $"{s.MetricsPublished:N0}  ({perSecond:F0}/s)");
        stats.AddRow("rules in force", s.RulesInForce.ToString());
        stats.AddRow("alerts", $"[red]{s.AlertsFiring} firing[/] / [green]{s.AlertsResolved} resolved[/]");
        stats.AddRow("notifications", $"{s.NotificationsDelivered} delivered / {s.NotificationsFailed} failed attempts");
        stats.AddRow("dead-lettered", s.Dlq.ToString());
        var recent = new Rows(_recent.Reverse().Select(l => new Markup(Markup.Escape(l))).DefaultIfEmpty(new Markup("[grey]no notification yet[/]")));
        return new Rows(
            new Panel(stats).Header("gds dev").Expand(),
            new Panel(recent).Header($"latest notifications → {notifyUrl}").Expand());
    }

    private static async Task Delay(TimeSpan t, CancellationToken ct)
    {
        try { await Task.Delay(t, ct); } catch (OperationCanceledException) { }
    }

    private sealed class RateMeter
    {
        private long _last;
        private DateTime _at = DateTime.UtcNow;

        public double PerSecond(long total)
        {
            var now = DateTime.UtcNow;
            var r = (total - _last) / Math.Max(0.001, (now - _at).TotalSeconds);
            _last = total;
            _at = now;
            return r;
        }
    }
}
