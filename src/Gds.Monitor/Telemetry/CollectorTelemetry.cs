using Gds.Contracts.Metrics.Catalog;
using Gds.Monitor.Publishing;
using Gds.Monitor.Scheduling;
using Gds.Telemetry;
using Gds.Telemetry.Readings;

namespace Gds.Monitor.Telemetry;

/// <summary>
/// What `gds collect` tells about itself: up and scrape duration per target (from each scraper's last scrape),
/// the spool's depth and the samples Kafka took (from the publisher's statistics), read at scrape time. Ready once
/// every target has been scraped and none has missed its schedule by more than an interval.
/// </summary>
public static class CollectorTelemetry
{
    public static readonly TelemetryMetric TargetUp = TelemetryMetric.Gauge("gds_collector_target_up",
        "1 when the last scrape of the target succeeded, 0 when it failed or timed out (absent before its first scrape)",
        "instance_id", "database_type");
    public static readonly TelemetryMetric TargetScrapeDuration = TelemetryMetric.Gauge("gds_collector_target_scrape_duration_seconds",
        "How long the last scrape of the target took", "instance_id", "database_type");
    public static readonly TelemetryMetric SpoolBytes = TelemetryMetric.Of(PipelineMetrics.CollectorSpoolBytes);
    public static readonly TelemetryMetric SpoolSamples = TelemetryMetric.Of(PipelineMetrics.CollectorSpoolSamples);
    public static readonly TelemetryMetric SpoolUsed = TelemetryMetric.Of(PipelineMetrics.CollectorSpoolUsed);
    public static readonly TelemetryMetric SamplesPublished = TelemetryMetric.Of(PipelineMetrics.CollectorSamplesPublished);

    /// <param name="spoolMaxBytes">the spool's bound (Publisher:SpoolMaxBytes), for the used ratio</param>
    public static void Attach(ProcessTelemetry telemetry, ScrapeScheduler scheduler, PublisherStatistics statistics, long spoolMaxBytes, TimeProvider? time = null)
    {
        var clock = time ?? TimeProvider.System;
        telemetry.Add(new ReadingSource([TargetUp, TargetScrapeDuration, SpoolBytes, SpoolSamples, SpoolUsed, SamplesPublished], into =>
        {
            foreach (var s in scheduler.Scrapers)
            {
                if (s.Up is not { } up || s.Last is not { } last) continue;
                into.Add(Reading.Of(TargetUp, up) with { LabelValues = [s.Target.Id, s.Target.Type] });
                into.Add(new Reading(TargetScrapeDuration, last.Duration.TotalSeconds, s.Target.Id, s.Target.Type));
            }
            var bytes = statistics.SpoolBytes;
            into.Add(new Reading(SpoolBytes, bytes));
            into.Add(new Reading(SpoolSamples, statistics.Pending));
            into.Add(new Reading(SpoolUsed, spoolMaxBytes > 0 ? Math.Min(1.0, (double)bytes / spoolMaxBytes) : 0));
            into.Add(new Reading(SamplesPublished, statistics.Delivered));
        }));
        telemetry.AddReadiness("scraping", () => NotScraping(scheduler, clock.GetUtcNow()));
    }

    /// <summary>Null when every target was scraped within its interval (plus one interval and its timeout of slack).</summary>
    internal static string? NotScraping(ScrapeScheduler scheduler, DateTimeOffset now)
    {
        var never = scheduler.Scrapers.Where(s => s.Last is null).Select(s => s.Target.Id).ToList();
        if (never.Count > 0) return $"not scraped yet: {Names(never)}";
        var late = scheduler.Scrapers.Where(s => now - s.Last!.FinishedAt > 2 * s.Target.Interval + s.Target.Timeout).Select(s => s.Target.Id).ToList();
        return late.Count > 0 ? $"no recent scrape of {Names(late)}" : null;
    }

    private static string Names(List<string> ids) => ids.Count <= 5 ? string.Join(", ", ids) : $"{string.Join(", ", ids.Take(5))} and {ids.Count - 5} more";
}
