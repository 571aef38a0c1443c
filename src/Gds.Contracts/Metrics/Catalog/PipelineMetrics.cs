namespace Gds.Contracts.Metrics.Catalog;

/// <summary>
/// The gds processes' own health (database_type gds, instance_id the process, e.g. gds-sink@HOST): each
/// long-running verb serves these on /metrics and publishes them every 15 s to gds.metrics.gds.{environment}
/// (the self-report), so that rules (examples/rules/gds.yaml) watch the pipeline as they watch a database.
/// </summary>
public static class PipelineMetrics
{
    private const string Gds = DatabaseTypes.Pipeline;

    public static readonly MetricDefinition StreamsRunning = MetricDefinition.Gauge(Gds, "gds_streams_running", "boolean",
        "1 while the alerting topology is RUNNING (every task assigned and restored), else 0");
    public static readonly MetricDefinition StreamsSamplesEvaluated = MetricDefinition.Counter(Gds, "gds_streams_samples_evaluated_total", "samples",
        "Metric records the topology evaluated, since the process started");
    public static readonly MetricDefinition StreamsDeadLetters = MetricDefinition.Counter(Gds, "gds_streams_dead_letters_total", "records",
        "Records (metrics, acks, heartbeats) the topology could not read and sent to gds.metrics.dlq, since the process started");
    public static readonly MetricDefinition StreamsRepeatsSuppressed = MetricDefinition.Counter(Gds, "gds_streams_repeats_suppressed_total", "events",
        "Alert transitions not emitted again because the series had already emitted them (records read again), since the process started");
    public static readonly MetricDefinition StreamsRestarts = MetricDefinition.Counter(Gds, "gds_streams_restarts_total", "restarts",
        "Times the stream was replaced because it could not go on by itself, since the process started");
    public static readonly MetricDefinition StreamsFleetFiring = MetricDefinition.Gauge(Gds, "gds_streams_fleet_firing_alerts", "alerts",
        "Alerts firing across the fleet as this process knows them (gds.alerts.firing), against which inhibition and silence auto-expiry are judged");
    public static readonly MetricDefinition StreamsConsumerLag = MetricDefinition.Gauge(Gds, "gds_streams_consumer_lag_records", "records",
        "Records of an assigned partition the topology has not read yet (high watermark less position)", "topic", "partition");

    public static readonly MetricDefinition SinkEventsConsumed = MetricDefinition.Counter(Gds, "gds_sink_events_consumed_total", "events",
        "Alert events the sink read from gds.alerts, since the process started");
    public static readonly MetricDefinition SinkNotifications = MetricDefinition.Counter(Gds, "gds_sink_notifications_total", "notifications",
        "POSTs to gds_notification answered 2xx, since the process started");
    public static readonly MetricDefinition SinkDeliveryFailures = MetricDefinition.Counter(Gds, "gds_sink_delivery_failures_total", "attempts",
        "POSTs to gds_notification that failed (no answer, timeout, 408, 429, 5xx, other 4xx), since the process started");
    public static readonly MetricDefinition SinkDeadLetters = MetricDefinition.Counter(Gds, "gds_sink_dead_letters_total", "events",
        "Alert events sent to gds.alerts.dlq (rejected by gds_notification, or undeliverable), since the process started");
    public static readonly MetricDefinition SinkBreakerOpen = MetricDefinition.Gauge(Gds, "gds_sink_breaker_open", "boolean",
        "1 while the circuit breaker around gds_notification is open (deliveries held, email fallback for CRITICAL), else 0");
    public static readonly MetricDefinition SinkInFlight = MetricDefinition.Gauge(Gds, "gds_sink_in_flight_events", "events",
        "Alert events read and not yet finished (delivered, dead-lettered or skipped)");
    public static readonly MetricDefinition SinkConsumerLag = MetricDefinition.Gauge(Gds, "gds_sink_consumer_lag_records", "records",
        "Records of an assigned gds.alerts partition the sink has not read yet (high watermark less position)", "topic", "partition");

    public static readonly MetricDefinition CollectorSpoolBytes = MetricDefinition.Gauge(Gds, "gds_collector_spool_bytes", "bytes",
        "Bytes the collector's spool holds on disk (samples waiting for Kafka)");
    public static readonly MetricDefinition CollectorSpoolSamples = MetricDefinition.Gauge(Gds, "gds_collector_spool_samples", "samples",
        "Samples accepted and not yet acknowledged by Kafka (in the spool or in flight)");
    public static readonly MetricDefinition CollectorSpoolUsed = MetricDefinition.Gauge(Gds, "gds_collector_spool_used_ratio", "ratio",
        "Share of the spool's bound (Publisher:SpoolMaxBytes) in use; at 1 the oldest samples are dropped");
    public static readonly MetricDefinition CollectorSamplesPublished = MetricDefinition.Counter(Gds, "gds_collector_samples_published_total", "samples",
        "Samples Kafka acknowledged, since the collector started");

    public static readonly MetricDefinition WarehouseRowsLoaded = MetricDefinition.Counter(Gds, "gds_warehouse_rows_loaded_total", "rows",
        "Fact rows loaded into the warehouse (new and already present), since the importer started");
    public static readonly MetricDefinition WarehouseConsumerLag = MetricDefinition.Gauge(Gds, "gds_warehouse_consumer_lag_records", "records",
        "Records of an assigned metric partition the importer has not read yet (high watermark less position)", "topic", "partition");
}
