using System.Diagnostics;
using Gds.Contracts.Metrics;
using Gds.Contracts.Metrics.Catalog;
using Gds.Monitor.Collectors;
using Gds.Monitor.Publishing;
using Gds.Monitor.Targets;
using Microsoft.Extensions.Logging;

namespace Gds.Monitor.Scheduling;

/// <summary>
/// Scrapes one target: runs its collector under a hard timeout, turns samples into Metrics (one correlation id and
/// one timestamp per scrape), adds the collector's own metrics, refuses non-finite values and publishes the lot.
/// </summary>
public sealed class TargetScraper : IAsyncDisposable
{
    private readonly ICollector _collector;
    private readonly IMetricPublisher _publisher;
    private readonly CollectorOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IReadOnlyDictionary<string, string> _tags;
    private Task? _abandoned;
    private long _rejected;
    private int _consecutiveFailures;

    public TargetScraper(TargetDefinition target, ICollector collector, IMetricPublisher publisher, CollectorOptions options, ILogger logger, TimeProvider time)
    {
        Target = target;
        _collector = collector;
        _publisher = publisher;
        _options = options;
        _logger = logger;
        _time = time;
        var tags = new Dictionary<string, string>(target.Tags, StringComparer.Ordinal) { ["environment"] = target.Environment };
        _tags = tags;
    }

    public TargetDefinition Target { get; }

    /// <summary>Null before the first scrape.</summary>
    public bool? Up { get; private set; }

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
        var metrics = new List<Metric>(samples.Count + 6);
        var rejected = 0;
        foreach (var s in samples)
        {
            if (!double.IsFinite(s.Value))
            {
                rejected++;
                _logger.LogDebug("target {Target}: {Metric} = {Value} rejected (not a finite number)", Target.Id, s.Name, s.Value);
                continue;
            }
            metrics.Add(ToMetric(s.Name, s.Value, s.Labels, started, metadata));
        }
        var rejectedTotal = Interlocked.Add(ref _rejected, rejected);
        var stats = _publisher.Statistics;
        metrics.Add(ToMetric(CollectorMetrics.Up.Name, up ? 1 : 0, null, started, metadata));
        metrics.Add(ToMetric(CollectorMetrics.ScrapeDuration.Name, duration.TotalSeconds, null, started, metadata));
        metrics.Add(ToMetric(CollectorMetrics.SamplesScraped.Name, samples.Count, null, started, metadata));
        metrics.Add(ToMetric(CollectorMetrics.SamplesRejected.Name, rejectedTotal, null, started, metadata));
        metrics.Add(ToMetric(CollectorMetrics.SpoolDropped.Name, stats.DroppedFromSpoolFor(Target.Id), null, started, metadata));
        metrics.Add(ToMetric(CollectorMetrics.PublishFailed.Name, stats.FailedFor(Target.Id), null, started, metadata));
        await _publisher.PublishAsync(metrics).ConfigureAwait(false);
        return new ScrapeOutcome(Target.Id, up, duration, metrics.Count, rejected, error, correlationId);
    }

    /// <summary>
    /// The target's tags describe the instance; a reading's own labels (database, standby, ...) tell it apart from
    /// the other readings of the same metric, so they go to Labels, where they identify the series.
    /// </summary>
    private Metric ToMetric(string name, double value, IReadOnlyDictionary<string, string>? labels, DateTimeOffset timestamp, MetricMetadata metadata) => new()
    {
        Timestamp = timestamp,
        DatabaseType = Target.Type,
        InstanceId = Target.Id,
        MetricName = name,
        Value = value,
        Tags = _tags,
        Labels = labels ?? SeriesLabels.None,
        Metadata = metadata,
    };

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
