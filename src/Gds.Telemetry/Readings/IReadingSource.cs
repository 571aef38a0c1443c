namespace Gds.Telemetry.Readings;

/// <summary>
/// Something that can tell its metrics when asked: called at scrape time (and by the self-report), never on a
/// component's hot path, so the component keeps its plain Interlocked counters and pays nothing per record.
/// </summary>
public interface IReadingSource
{
    /// <summary>Every metric this source can report, so that each is declared (with its help) before its first reading.</summary>
    IReadOnlyList<TelemetryMetric> Metrics { get; }

    /// <summary>The current values. A labelled metric omits the series that no longer exist (a revoked partition).</summary>
    void Read(ICollection<Reading> into);
}
