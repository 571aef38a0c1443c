using Gds.Contracts.Metrics.Catalog;
using Gds.Monitor.Collectors;
using Gds.Monitor.Targets;

namespace Gds.Monitor.Scheduling;

/// <summary>
/// Turns each scrape of one target into the Metric records the collector publishes: the target's tags (environment
/// included) on every record, because they describe the instance; a reading's own labels (database, standby, ...) as
/// the record's labels, where they identify its series; one timestamp and one metadata for the whole scrape;
/// non-finite values refused and counted; and the collector's own gds_collector_* metrics after the readings.
/// <see cref="TargetScraper"/> publishes through it, and so does `gds dev`'s simulated fleet, so a real target and a
/// simulated one put records of the same shape on Kafka.
/// </summary>
public sealed class ScrapeRecords
{
    private readonly TargetDefinition _target;
    private readonly IReadOnlyDictionary<string, string> _tags;
    private long _rejected;

    public ScrapeRecords(TargetDefinition target)
    {
        _target = target;
        _tags = new Dictionary<string, string>(target.Tags, StringComparer.Ordinal) { ["environment"] = target.Environment };
    }

    /// <param name="samples">What the collector read; empty when the scrape failed.</param>
    /// <param name="onRejected">Called for each sample refused because its value is NaN or infinite.</param>
    public List<Metric> ToMetrics(IReadOnlyList<Sample> samples, ScrapeFacts scrape, Action<Sample>? onRejected = null)
    {
        var metrics = new List<Metric>(samples.Count + 6);
        var rejected = 0;
        foreach (var s in samples)
        {
            if (!double.IsFinite(s.Value))
            {
                rejected++;
                onRejected?.Invoke(s);
                continue;
            }
            metrics.Add(ToMetric(s.Name, s.Value, s.Labels, scrape));
        }
        var rejectedTotal = Interlocked.Add(ref _rejected, rejected);
        metrics.Add(ToMetric(CollectorMetrics.Up.Name, scrape.Up ? 1 : 0, null, scrape));
        metrics.Add(ToMetric(CollectorMetrics.ScrapeDuration.Name, scrape.Duration.TotalSeconds, null, scrape));
        metrics.Add(ToMetric(CollectorMetrics.SamplesScraped.Name, samples.Count, null, scrape));
        metrics.Add(ToMetric(CollectorMetrics.SamplesRejected.Name, rejectedTotal, null, scrape));
        metrics.Add(ToMetric(CollectorMetrics.SpoolDropped.Name, scrape.SpoolDropped, null, scrape));
        metrics.Add(ToMetric(CollectorMetrics.PublishFailed.Name, scrape.PublishFailed, null, scrape));
        return metrics;
    }

    private Metric ToMetric(string name, double value, IReadOnlyDictionary<string, string>? labels, ScrapeFacts scrape) => new()
    {
        Timestamp = scrape.Started,
        DatabaseType = _target.Type,
        InstanceId = _target.Id,
        MetricName = name,
        Value = value,
        Tags = _tags,
        Labels = labels ?? SeriesLabels.None,
        Metadata = scrape.Metadata,
    };
}

/// <summary>
/// What the collector knows of one scrape besides its samples: when it started (the timestamp of every record), how
/// long it took, whether it succeeded, the scrape's metadata (one correlation id), and the publisher's running counts
/// of this target's samples dropped from the spool or refused by Kafka.
/// </summary>
public readonly record struct ScrapeFacts(DateTimeOffset Started, TimeSpan Duration, bool Up, MetricMetadata Metadata, long SpoolDropped, long PublishFailed);
