using System.Diagnostics;
using Gds.Monitor.Collectors;
using Gds.Monitor.Publishing;
using Gds.Monitor.Targets;

namespace Gds.Monitor.Scheduling;

/// <summary>
/// Scrapes one target: runs its collector under a hard timeout, turns samples into Metrics with one correlation id and
/// one timestamp per scrape (<see cref="ScrapeRecords"/>: the collector's own metrics added, non-finite values refused)
/// and publishes the lot.
/// </summary>
public sealed class TargetScraper : IAsyncDisposable
{
    private readonly ICollector _collector;
    private readonly IMetricPublisher _publisher;
    private readonly CollectorOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ScrapeRecords _records;
    private Task? _abandoned;
    private int _consecutiveFailures;

    public TargetScraper(TargetDefinition target, ICollector collector, IMetricPublisher publisher, CollectorOptions options, ILogger logger, TimeProvider time)
    {
        Target = target;
        _collector = collector;
        _publisher = publisher;
        _options = options;
        _logger = logger;
        _time = time;
        _records = new ScrapeRecords(target);
    }

    public TargetDefinition Target { get; }

    /// <summary>Null before the first scrape.</summary>
    public bool? Up { get; private set; }

    /// <summary>The last scrape: when it finished and how long it took (null before the first); read by /metrics and readiness.</summary>
    public ScrapeTiming? Last => Volatile.Read(ref _last);
    private ScrapeTiming? _last;

    public async Task<ScrapeOutcome> ScrapeAsync()
    {
        var started = _time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        var correlationId = Guid.NewGuid().ToString();
        IReadOnlyList<Sample> samples = [];
        string? error = null;

        if (_abandoned is { IsCompleted: false })
        {
            // The last scrape overran its timeout and is still stuck in the driver: do not pile a second one on it.
            error = "the previous scrape is still running after its timeout";
        }
        else
        {
            using var timeout = new CancellationTokenSource(Target.Timeout, _time);
            // Task.Run: a driver that blocks before its first await must not hold up the scheduler's thread.
            var scrape = Task.Run(() => _collector.CollectAsync(timeout.Token), CancellationToken.None);
            try
            {
                samples = await scrape.WaitAsync(Target.Timeout, _time).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && timeout.IsCancellationRequested))
            {
                error = $"timed out after {Contracts.Rules.DurationText.Format(Target.Timeout)}";
                await timeout.CancelAsync().ConfigureAwait(false);
                _abandoned = scrape.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
            }
            catch (CollectorFailure ex)
            {
                error = ex.Message;
            }
            catch (Exception ex)
            {
                // A collector bug rather than a database problem; collectors wrap what they expect.
                error = $"{ex.GetType().Name}: {ex.Message}";
            }
        }
        var duration = clock.Elapsed;
        var up = error is null;
        Report(up, error);

        var metadata = new MetricMetadata
        {
            CollectionDurationMs = Math.Round(duration.TotalMilliseconds, 3),
            Version = _options.Version,
            CorrelationId = correlationId,
        };
        var stats = _publisher.Statistics;
        var rejected = 0;
        var metrics = _records.ToMetrics(samples,
            new ScrapeFacts(started, duration, up, metadata, stats.DroppedFromSpoolFor(Target.Id), stats.FailedFor(Target.Id)),
            s =>
            {
                rejected++;
                _logger.LogDebug("target {Target}: {Metric} = {Value} rejected (not a finite number)", Target.Id, s.Name, s.Value);
            });
        await _publisher.PublishAsync(metrics).ConfigureAwait(false);
        Volatile.Write(ref _last, new ScrapeTiming(_time.GetUtcNow(), duration));
        return new ScrapeOutcome(Target.Id, up, duration, metrics.Count, rejected, error, correlationId);
    }

    /// <summary>Logs changes of state at Warning/Information and repeats of a failure only now and then, so a dead target does not flood the log.</summary>
    private void Report(bool up, string? error)
    {
        var was = Up;
        Up = up;
        if (up)
        {
            if (was == false) _logger.LogInformation("target {Target} is up again after {Failures} failed scrapes", Target.Id, _consecutiveFailures);
            _consecutiveFailures = 0;
            return;
        }
        _consecutiveFailures++;
        if (was != false || _consecutiveFailures % 10 == 0)
            _logger.LogWarning("target {Target} ({Type}) is down: {Error} (failed scrapes in a row: {Failures})", Target.Id, Target.Type, error, _consecutiveFailures);
        else
            _logger.LogDebug("target {Target} still down: {Error}", Target.Id, error);
    }

    public async ValueTask DisposeAsync()
    {
        if (_abandoned is not null) await Task.WhenAny(_abandoned, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
        await _collector.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>When a scrape finished and how long it took.</summary>
public sealed record ScrapeTiming(DateTimeOffset FinishedAt, TimeSpan Duration);
