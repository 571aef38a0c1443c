using Gds.Contracts.Heartbeats;
using Gds.Monitor.Publishing;
using Gds.Monitor.Scheduling;
using Microsoft.Extensions.Logging;

namespace Gds.Monitor.Heartbeats;

/// <summary>
/// Tells gds.heartbeats that this collector is alive and how many of its targets are up, so an absence rule can
/// alert on a collector that died or went silent. It also reports a growing spool in the log, the local sign that
/// Kafka is out of reach.
/// </summary>
public sealed class HeartbeatLoop(ScrapeScheduler scheduler, IHeartbeatSink sink, PublisherStatistics statistics,
    CollectorOptions options, ILogger<HeartbeatLoop> logger, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private long _lastPending;

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
        var pending = statistics.Pending;
        if (pending > 0 && pending > _lastPending && _lastPending > 0)
            logger.LogWarning("Kafka is not taking samples as fast as they come: {Pending} waiting in the spool ({Bytes} bytes), {Dropped} dropped so far",
                pending, statistics.SpoolBytes, statistics.DroppedFromSpool);
        else if (pending == 0 && _lastPending > 0)
            logger.LogInformation("spool drained: every sample has reached Kafka");
        _lastPending = pending;
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
