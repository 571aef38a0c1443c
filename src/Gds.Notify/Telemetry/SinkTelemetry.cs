using Gds.Contracts.Metrics.Catalog;
using Gds.Telemetry;
using Gds.Telemetry.Readings;
using Polly.CircuitBreaker;

namespace Gds.Notify.Telemetry;

/// <summary>
/// What `gds sink` tells about itself: <see cref="SinkStats"/> and its consumer's lag, read at scrape time; ready
/// while it consumes (partitions assigned) with the breaker around gds_notification closed.
/// </summary>
public static class SinkTelemetry
{
    public static readonly TelemetryMetric EventsConsumed = TelemetryMetric.Of(PipelineMetrics.SinkEventsConsumed);
    public static readonly TelemetryMetric Notifications = TelemetryMetric.Of(PipelineMetrics.SinkNotifications);
    public static readonly TelemetryMetric DeliveryFailures = TelemetryMetric.Of(PipelineMetrics.SinkDeliveryFailures);
    public static readonly TelemetryMetric DeadLetters = TelemetryMetric.Of(PipelineMetrics.SinkDeadLetters);
    public static readonly TelemetryMetric BreakerOpen = TelemetryMetric.Of(PipelineMetrics.SinkBreakerOpen);
    public static readonly TelemetryMetric InFlight = TelemetryMetric.Of(PipelineMetrics.SinkInFlight);

    public static void Attach(ProcessTelemetry telemetry, NotificationSink sink)
    {
        telemetry.Add(new ReadingSource([EventsConsumed, Notifications, DeliveryFailures, DeadLetters, BreakerOpen, InFlight], into =>
        {
            var s = sink.Stats.Snapshot();
            into.Add(new Reading(EventsConsumed, s.Consumed));
            into.Add(new Reading(Notifications, s.Notifications));
            into.Add(new Reading(DeliveryFailures, s.Failed));
            into.Add(new Reading(DeadLetters, s.DeadLettered));
            into.Add(Reading.Of(BreakerOpen, s.BreakerOpen));
            into.Add(new Reading(InFlight, s.InFlight));
        }));
        telemetry.Add(sink.Lag.AsSource());
        telemetry.AddReadiness("consumer", () => !sink.Lag.Consuming ? "not consuming gds.alerts yet"
            : sink.Lag.AssignedPartitions == 0 ? "no gds.alerts partition assigned (yet)" : null);
        telemetry.AddReadiness("breaker", () => sink.BreakerState == CircuitState.Closed ? null
            : $"the circuit breaker around gds_notification is {sink.BreakerState}: deliveries are held");
    }
}
