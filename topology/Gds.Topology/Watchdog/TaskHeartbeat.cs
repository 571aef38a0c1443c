using Gds.Contracts.Serialization;
using Gds.Contracts.Watchdog;
using Gds.Topology.Serdes;

namespace Gds.Topology.Watchdog;

/// <summary>
/// One stream task's heartbeat for the pipeline's dead man's switch. The emit stage asks it on each of its
/// wall-clock punctuations once the task's stores are restored, so a heartbeat proves that the task's thread runs
/// and can alert. It goes to gds.watchdog, not gds.alerts: no alert consumer has to skip it, and a replay of the
/// metric topics still adds nothing to gds.alerts.
/// </summary>
public sealed class TaskHeartbeat(string applicationId, string taskId, int partition, TimeSpan interval)
{
    private static readonly string Host = Environment.MachineName;
    private readonly long _intervalMs = (long)interval.TotalMilliseconds;
    private long _nextAt;

    public string Key { get; } = TopologyHeartbeat.KeyFor(applicationId, taskId);

    /// <summary>The heartbeat record when one is due (the first at once, so a restarted task is seen soon), else null.</summary>
    public Routed? Due(long wallClockMs)
    {
        if (wallClockMs < _nextAt) return null;
        _nextAt = wallClockMs + _intervalMs;
        return new Routed(TopicNames.Watchdog, GdsJson.Serialize(new TopologyHeartbeat
        {
            ApplicationId = applicationId,
            TaskId = taskId,
            Partition = partition,
            At = DateTimeOffset.FromUnixTimeMilliseconds(wallClockMs),
            Host = Host,
        }));
    }
}
