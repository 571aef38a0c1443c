namespace Gds.Monitor.Scheduling;

/// <summary>The metrics every target gets from the collector itself, whatever its database type.</summary>
public static class CollectorMetricNames
{
    /// <summary>1 when the last scrape succeeded, 0 when it failed or timed out.</summary>
    public const string Up = "gds_collector_up";
    public const string ScrapeDuration = "gds_collector_scrape_duration_seconds";
    /// <summary>Samples the last scrape produced (before rejection).</summary>
    public const string SamplesScraped = "gds_collector_samples_scraped";
    /// <summary>Samples refused because their value was NaN or ±Infinity, since the collector started.</summary>
    public const string SamplesRejected = "gds_collector_samples_rejected_total";
    /// <summary>Samples of this target dropped unsent because the spool was full, since the collector started.</summary>
    public const string SpoolDropped = "gds_collector_spool_dropped_samples_total";
    /// <summary>Samples of this target Kafka refused for good, since the collector started.</summary>
    public const string PublishFailed = "gds_collector_publish_failed_samples_total";
}
