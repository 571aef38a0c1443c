using System.Diagnostics;
using Gds.Contracts.Metrics.Catalog;
using Gds.Telemetry;
using Gds.Telemetry.Readings;
using Gds.Topology.Hosting;
using Prometheus;

namespace Gds.Topology.Telemetry;

/// <summary>
/// What `gds streams` tells about itself: <see cref="TopologyCounters"/>, the stream's state and restarts and its
/// consumers' lag, read at scrape time; per-record evaluation time as a histogram; ready when RUNNING and restored.
/// </summary>
public static class StreamsTelemetry
{
    public static readonly TelemetryMetric Running = TelemetryMetric.Of(PipelineMetrics.StreamsRunning);
    public static readonly TelemetryMetric SamplesEvaluated = TelemetryMetric.Of(PipelineMetrics.StreamsSamplesEvaluated);
    public static readonly TelemetryMetric DeadLetters = TelemetryMetric.Of(PipelineMetrics.StreamsDeadLetters);
    public static readonly TelemetryMetric RepeatsSuppressed = TelemetryMetric.Of(PipelineMetrics.StreamsRepeatsSuppressed);
    public static readonly TelemetryMetric Restarts = TelemetryMetric.Of(PipelineMetrics.StreamsRestarts);
    public static readonly TelemetryMetric FleetFiring = TelemetryMetric.Of(PipelineMetrics.StreamsFleetFiring);
    /// <summary>Not self-reported: one series per rule would make alerts about alerts.</summary>
    public static readonly TelemetryMetric AlertsEmitted = TelemetryMetric.Counter("gds_streams_alerts_emitted_total",
        "Alert events emitted to gds.alerts, by rule, severity and status (firing, resolved, ...), since the process started",
        "rule_id", "severity", "status");

    public const string EvaluationSeconds = "gds_streams_evaluation_seconds";

    public static void Attach(ProcessTelemetry telemetry, StreamsHost host)
    {
        telemetry.Add(new ReadingSource([Running, SamplesEvaluated, DeadLetters, RepeatsSuppressed, Restarts, FleetFiring, AlertsEmitted], into =>
        {
            var c = host.Counters;
            into.Add(Reading.Of(Running, host.State == KafkaStream.State.RUNNING));
            into.Add(new Reading(SamplesEvaluated, c.Samples));
            into.Add(new Reading(DeadLetters, c.DeadLetteredMetrics));
            into.Add(new Reading(RepeatsSuppressed, c.RepeatsSuppressed));
            into.Add(new Reading(Restarts, host.Restarts));
            into.Add(new Reading(FleetFiring, host.Models.Fleet.Count));
            foreach (var (rule, severity, status, count) in host.Counters.EmittedByRule)
                into.Add(new Reading(AlertsEmitted, count, rule, severity, status));
        }));
        telemetry.Add(host.Lag.AsSource());

        // Observed per record on the stream thread: prometheus-net's histogram adds with Interlocked, no lock, no allocation.
        var histogram = Metrics.WithCustomRegistry(telemetry.Registry).CreateHistogram(EvaluationSeconds,
            "Time to evaluate one metric record (rules, hygiene, emitting), on the stream thread",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.000_001, 4, 10) });
        var frequency = (double)Stopwatch.Frequency;
        host.Counters.EvaluationTicks = ticks => histogram.Observe(ticks / frequency);

        telemetry.AddReadiness("streams", () => host.State != KafkaStream.State.RUNNING
            ? $"the stream is {host.State}, not RUNNING"
            : host.Restoring ? "state stores are being restored from their changelogs" : null);
    }
}
