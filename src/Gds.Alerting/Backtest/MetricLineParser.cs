using Gds.Contracts.Metrics;
using Gds.Contracts.Serialization;

namespace Gds.Alerting.Backtest;

/// <summary>
/// Reads one JSON line in the Metric shape, for the topology and backtests of millions of lines, with
/// <see cref="MetricJsonReader"/> (evaluation does not use metadata, so it is skipped). The error policy of
/// evaluation: a line that is not a Metric is refused with the reader's reason. One parser per reader thread.
/// </summary>
public sealed class MetricLineParser
{
    private readonly MetricJsonReader _reader = new(readMetadata: false);

    /// <summary>The metric of <paramref name="line"/>; a <see cref="FormatException"/> naming the field when it is not one.</summary>
    public Metric Parse(ReadOnlySpan<byte> line) =>
        TryParse(line, out var metric, out var error) ? metric : throw new FormatException(error);

    public bool TryParse(ReadOnlySpan<byte> line, out Metric metric, out string error)
    {
        var ok = _reader.TryRead(line, out var read, out var problem);
        metric = read!;
        error = problem ?? "";
        return ok;
    }
}
