namespace Gds.Contracts.Metrics.Catalog;

/// <summary>The metrics every target gets from the collector itself, whatever its database type.</summary>
public static class CollectorMetrics
{
    private const string Any = MetricDefinition.AnyDatabase;

    public static readonly MetricDefinition Up = MetricDefinition.Gauge(Any, "gds_collector_up", "boolean",
        "1 when the last scrape of the target succeeded, 0 when it failed or timed out");
    public static readonly MetricDefinition ScrapeDuration = MetricDefinition.Gauge(Any, "gds_collector_scrape_duration_seconds", "seconds",
        "How long the last scrape of the target took");
    public static readonly MetricDefinition SamplesScraped = MetricDefinition.Gauge(Any, "gds_collector_samples_scraped", "samples",
        "Samples the last scrape produced, before rejection");
    public static readonly MetricDefinition SamplesRejected = MetricDefinition.Counter(Any, "gds_collector_samples_rejected_total", "samples",
        "Samples refused because their value was NaN or infinite, since the collector started");
    public static readonly MetricDefinition SpoolDropped = MetricDefinition.Counter(Any, "gds_collector_spool_dropped_samples_total", "samples",
        "Samples of this target dropped unsent because the local spool was full, since the collector started");
    public static readonly MetricDefinition PublishFailed = MetricDefinition.Counter(Any, "gds_collector_publish_failed_samples_total", "samples",
        "Samples of this target Kafka refused for good, since the collector started");
}
