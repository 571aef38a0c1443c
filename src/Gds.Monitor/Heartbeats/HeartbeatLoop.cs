using Gds.Contracts.Heartbeats;
using Gds.Monitor.Publishing;
using Gds.Monitor.Scheduling;

namespace Gds.Monitor.Heartbeats;

/// <summary>
/// Tells gds.heartbeats that this collector is alive and how many of its targets are up, so an absence rule can
/// alert on a collector that died or went silent. It also says in the log when samples wait and none gets through,
/// the local sign that Kafka is out of reach.
/// </summary>
public sealed class HeartbeatLoop(ScrapeScheduler scheduler, IHeartbeatSink sink, PublisherStatistics statistics,
    CollectorOptions options, ILogger<HeartbeatLoop> logger, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private long _lastDelivered = -1;
    private bool _stalled;

    public Heartbeat Current() => new()
    {
        CollectorId = options.CollectorId,
        Timestamp = _time.GetUtcNow(),
        Targets = scheduler.Scrapers.Count,
        TargetsUp = scheduler.TargetsUp,
        Version = options.Version,
        Host = Environment.MachineName,
    };

    public void Beat()
    {
        sink.TrySend(Current());
        // Samples waiting while none got through since the last beat: Kafka is out of reach (or refusing).
        var pending = statistics.Pending;
        var delivered = statistics.Delivered;
        var stalled = pending > 0 && delivered == _lastDelivered;
        if (stalled)
            logger.LogWarning("no sample acknowledged by Kafka since the last heartbeat: {Pending} waiting in the spool ({Bytes} bytes), {Dropped} dropped so far",
                pending, statistics.SpoolBytes, statistics.DroppedFromSpool);
        else if (_stalled)
            logger.LogInformation("Kafka is taking samples again ({Pending} still waiting)", pending);
        _stalled = stalled;
        _lastDelivered = delivered;
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(options.HeartbeatInterval, _time);
        Beat();
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false)) Beat();
        }
        catch (OperationCanceledException)
        {
        }
    }
}
