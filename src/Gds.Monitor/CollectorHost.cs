using Gds.Monitor.Collectors;
using Gds.Monitor.Heartbeats;
using Gds.Monitor.Publishing;
using Gds.Monitor.Scheduling;
using Gds.Monitor.Targets;

namespace Gds.Monitor;

/// <summary>
/// One collector process: the scheduler over the targets, the heartbeat, and the publisher they share. Composed here
/// rather than in the CLI so tests and the benchmark run exactly what `gds collect` runs.
/// </summary>
public sealed class CollectorHost : IAsyncDisposable
{
    private readonly IMetricPublisher _publisher;
    private readonly CollectorOptions _options;
    private readonly ILogger _logger;
    private readonly HeartbeatLoop? _heartbeats;

    public CollectorHost(IEnumerable<TargetDefinition> targets, ICollectorFactory collectors, IMetricPublisher publisher,
        IHeartbeatSink? heartbeats, CollectorOptions options, ILoggerFactory loggers, TimeProvider? time = null)
    {
        _publisher = publisher;
        _options = options;
        _logger = loggers.CreateLogger<CollectorHost>();
        Scheduler = new ScrapeScheduler(targets, collectors, publisher, options, loggers, time);
        if (heartbeats is not null)
            _heartbeats = new HeartbeatLoop(Scheduler, heartbeats, publisher.Statistics, options, loggers.CreateLogger<HeartbeatLoop>(), time);
    }

    public ScrapeScheduler Scheduler { get; }

    /// <summary>Runs until <paramref name="stopping"/>; then lets scrapes in progress finish and flushes. False if the flush timed out.</summary>
    public async Task<bool> RunAsync(CancellationToken stopping)
    {
        var beats = _heartbeats?.RunAsync(stopping) ?? Task.CompletedTask;
        await Scheduler.RunAsync(stopping).ConfigureAwait(false);
        await beats.ConfigureAwait(false);
        _heartbeats?.Beat();
        _logger.LogInformation("stopping: waiting up to {Timeout} for Kafka to take {Pending} samples", _options.FlushTimeout, _publisher.Statistics.Pending);
        var flushed = await _publisher.FlushAsync(_options.FlushTimeout, CancellationToken.None).ConfigureAwait(false);
        if (!flushed)
            _logger.LogWarning("{Pending} samples not yet acknowledged by Kafka stay in the spool and are sent by the next run", _publisher.Statistics.Pending);
        return flushed;
    }

    /// <summary>Scrapes every target once, sends a heartbeat and flushes.</summary>
    public async Task<OnceResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var outcomes = await Scheduler.RunOnceAsync(cancellationToken).ConfigureAwait(false);
        _heartbeats?.Beat();
        var flushed = await _publisher.FlushAsync(_options.FlushTimeout, cancellationToken).ConfigureAwait(false);
        return new OnceResult(outcomes, flushed, _publisher.Statistics.Pending);
    }

    public async ValueTask DisposeAsync() => await Scheduler.DisposeAsync().ConfigureAwait(false);
}

public sealed record OnceResult(IReadOnlyList<ScrapeOutcome> Outcomes, bool Flushed, long Pending);
