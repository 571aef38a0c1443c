using Gds.Alerting.State;
using Gds.Contracts.Metrics;

namespace Gds.Alerting.Engine;

/// <summary>
/// The per-series buffer behind the grace period: samples kept sorted by (event time, metric name, value), so the
/// order in which they are folded does not depend on the order in which they arrived, ties included.
/// </summary>
internal static class ReorderBuffer
{
    public static void Insert(SeriesState state, Metric sample)
    {
        var buffer = state.Reorder ??= new List<BufferedSample>(4);
        var item = new BufferedSample { At = sample.Timestamp, Metric = sample.MetricName, Value = sample.Value };
        // Samples mostly arrive in order: search from the end.
        var i = buffer.Count;
        while (i > 0 && Compare(buffer[i - 1], item) > 0) i--;
        buffer.Insert(i, item);
    }

    /// <summary>Takes the oldest sample if it is due (at or before the watermark) or the buffer is over its bound.</summary>
    public static bool TryTakeDue(SeriesState state, DateTimeOffset watermark, int max, out BufferedSample sample)
    {
        var buffer = state.Reorder;
        if (buffer is null || buffer.Count == 0 || (buffer[0].At > watermark && buffer.Count <= max))
        {
            if (buffer is { Count: 0 }) state.Reorder = null;
            sample = null!;
            return false;
        }
        sample = buffer[0];
        buffer.RemoveAt(0);
        if (buffer.Count == 0) state.Reorder = null;
        return true;
    }

    /// <summary>A held sample as a Metric again; identity fields come from the series (they are the same for all its samples).</summary>
    public static Metric ToMetric(SeriesState state, BufferedSample b) => new()
    {
        Timestamp = b.At,
        DatabaseType = state.DatabaseType ?? "",
        InstanceId = state.InstanceId,
        MetricName = b.Metric,
        Value = b.Value,
        Tags = state.Tags ?? (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(),
        Labels = state.Labels ?? SeriesLabels.None,
    };

    private static int Compare(BufferedSample a, BufferedSample b)
    {
        var c = a.At.UtcTicks.CompareTo(b.At.UtcTicks);
        if (c != 0) return c;
        c = string.CompareOrdinal(a.Metric, b.Metric);
        return c != 0 ? c : a.Value.CompareTo(b.Value);
    }
}
