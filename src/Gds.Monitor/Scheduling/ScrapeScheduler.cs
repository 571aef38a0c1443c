using Gds.Monitor.Collectors;
using Gds.Monitor.Publishing;
using Gds.Monitor.Targets;

namespace Gds.Monitor.Scheduling;

/// <summary>
/// Runs every enabled target on its own loop: first scrape at a stable offset within its interval (so a thousand
/// targets on 30 s spread over the 30 s instead of firing together), then every interval ± jitter on a fixed-rate
/// schedule that does not drift. A shared limit bounds scrapes in flight; a hard per-target timeout bounds how long
/// one holds a slot, so a slow or dead target costs others at most a short wait, never a missed interval. Stopping
/// ends the waits between scrapes but lets scrapes in progress finish and publish.
/// </summary>
public sealed class ScrapeScheduler : IAsyncDisposable
{
    private readonly IMetricPublisher _publisher;
    private readonly CollectorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly List<TargetScraper> _scrapers = [];

    public ScrapeScheduler(IEnumerable<TargetDefinition> targets, ICollectorFactory collectors, IMetricPublisher publisher,
        CollectorOptions options, ILoggerFactory loggers, TimeProvider? time = null)
    {
        _publisher = publisher;
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = loggers.CreateLogger<ScrapeScheduler>();
        _slots = new SemaphoreSlim(options.MaxConcurrentScrapes, options.MaxConcurrentScrapes);
        var scraperLogger = loggers.CreateLogger<TargetScraper>();
        foreach (var t in targets.Where(t => t.Enabled))
            _scrapers.Add(new TargetScraper(t, collectors.Create(t), publisher, options, scraperLogger, _time));
    }

    public IReadOnlyList<TargetScraper> Scrapers => _scrapers;

    public int TargetsUp => _scrapers.Count(s => s.Up == true);

    /// <summary>Raised after each scrape (tests and the benchmark watch it).</summary>
    public event Action<ScrapeOutcome>? Scraped;

    /// <summary>Scrapes until <paramref name="stopping"/> is cancelled, then waits for scrapes in progress.</summary>
    public Task RunAsync(CancellationToken stopping)
    {
        _logger.LogInformation("scheduling {Targets} targets, at most {Concurrency} scrapes at once", _scrapers.Count, _options.MaxConcurrentScrapes);
        return Task.WhenAll(_scrapers.Select(s => Task.Run(() => LoopAsync(s, stopping), CancellationToken.None)));
    }

    /// <summary>Scrapes every target once, within the same concurrency limit.</summary>
    public async Task<IReadOnlyList<ScrapeOutcome>> RunOnceAsync(CancellationToken cancellationToken = default) =>
        await Task.WhenAll(_scrapers.Select(s => ScrapeWithSlotAsync(s, cancellationToken))).ConfigureAwait(false);

    private async Task LoopAsync(TargetScraper scraper, CancellationToken stopping)
    {
        var interval = scraper.Target.Interval;
        var random = new Random(HashCode.Combine(scraper.Target.Id, Environment.ProcessId));
        // Slots follow each other at a fixed rate from the first one; jitter moves a scrape around its slot without
        // moving the slots, so it never accumulates into drift.
        var slot = _time.GetUtcNow() + InitialOffset(scraper.Target.Id, interval);
        var lastStart = DateTimeOffset.MinValue;
        while (!stopping.IsCancellationRequested)
        {
            var jitter = TimeSpan.FromTicks((long)((random.NextDouble() * 2 - 1) * _options.JitterRatio * interval.Ticks));
            var due = slot + jitter;
            // After a late scrape the next slot may already be near: keep at least half an interval between two
            // scrapes of a target so a hiccup never turns into a burst.
            if (lastStart != DateTimeOffset.MinValue && due < lastStart + interval / 2) due = lastStart + interval / 2;
            var wait = due - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                try { await Task.Delay(wait, _time, stopping).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
            lastStart = _time.GetUtcNow();
            try
            {
                await ScrapeWithSlotAsync(scraper, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Publishing failed (e.g. the spool's disk): say so and keep the schedule; the next scrape tries again.
                _logger.LogError("target {Target}: scrape could not be published: {Error}", scraper.Target.Id, ex.Message);
            }
            slot += interval;
            var now = _time.GetUtcNow();
            // Fell a whole interval behind (waiting for a slot under overload): skip the missed ticks rather than
            // firing them back to back.
            if (slot + interval < now)
            {
                _logger.LogWarning("target {Target}: scrape ran {Late} behind its schedule; skipping missed intervals", scraper.Target.Id, now - slot);
                slot = now;
            }
        }
    }

    private async Task<ScrapeOutcome> ScrapeWithSlotAsync(TargetScraper scraper, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var outcome = await scraper.ScrapeAsync().ConfigureAwait(false);
            Scraped?.Invoke(outcome);
            return outcome;
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>A stable place within the interval for a target: the same after a restart, spread evenly across targets.</summary>
    public static TimeSpan InitialOffset(string targetId, TimeSpan interval)
    {
        // FNV-1a: stable across processes and .NET versions, unlike string.GetHashCode.
        var hash = 14695981039346656037UL;
        foreach (var c in targetId) hash = (hash ^ c) * 1099511628211UL;
        return TimeSpan.FromTicks((long)(hash % (ulong)Math.Max(1, interval.Ticks)));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _scrapers) await s.DisposeAsync().ConfigureAwait(false);
        _slots.Dispose();
    }
}
