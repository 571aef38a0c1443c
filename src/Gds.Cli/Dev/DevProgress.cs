using Gds.Notify;
using Gds.Topology.Hosting;

namespace Gds.Cli.Dev;

/// <summary>Reads the counters of the fleet, the topology and the sink into one picture.</summary>
public sealed class DevProgress(FleetPublisher fleet, StreamsHost streams, SinkStats sink)
{
    public DevSummary Read() => new(
        MetricsPublished: fleet.Published,
        AlertsFiring: streams.Counters.Firing,
        AlertsResolved: streams.Counters.Resolved,
        NotificationsDelivered: sink.Delivered,
        NotificationsFailed: sink.Failed,
        Dlq: sink.DeadLettered + streams.Counters.DeadLetteredMetrics,
        RulesInForce: streams.Rules.Count,
        PublishFailures: fleet.Failed);
}

public sealed record DevSummary(long MetricsPublished, long AlertsFiring, long AlertsResolved, long NotificationsDelivered,
    long NotificationsFailed, long Dlq, int RulesInForce, long PublishFailures)
{
    /// <summary>The documented summary file shape.</summary>
    public Dictionary<string, long> ToJson() => new()
    {
        ["metrics_published"] = MetricsPublished,
        ["alerts_firing"] = AlertsFiring,
        ["alerts_resolved"] = AlertsResolved,
        ["notifications_delivered"] = NotificationsDelivered,
        ["notifications_failed"] = NotificationsFailed,
        ["dlq"] = Dlq,
    };
}
