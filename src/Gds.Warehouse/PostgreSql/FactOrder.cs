namespace Gds.Warehouse.PostgreSql;

/// <summary>
/// Puts a batch's rows in primary-key order with each key once, the first occurrence winning, so the rows can
/// be appended with a plain COPY: a key twice in one COPY would fail it, and in key order every new index entry
/// lands on the right edge of the B-tree instead of on a random page.
/// </summary>
internal static class FactOrder
{
    public static SampleRow[] SortedDistinct(IReadOnlyList<SampleRow> rows, out int duplicates)
    {
        var keys = new RowKey[rows.Count];
        for (var i = 0; i < keys.Length; i++)
            keys[i] = new RowKey(Microseconds(rows[i].Time), rows[i].InstanceKey, rows[i].MetricKey, rows[i].LabelsKey, i);
        // Only the keys are sorted, then the rows gathered once: a row holds a string, so every move of a row
        // during the sort would cost a GC write barrier.
        // The position breaks ties, which makes the unstable sort keep the first occurrence of a key first.
        Array.Sort(keys);
        var ordered = new SampleRow[keys.Length];
        var kept = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            if (i > 0 && keys[i].SameKey(keys[i - 1])) continue;
            ordered[kept++] = rows[keys[i].Position];
        }
        duplicates = ordered.Length - kept;
        if (duplicates > 0) Array.Resize(ref ordered, kept);
        return ordered;
    }

    /// <summary>timestamptz keeps microseconds: two times closer than that are one key in PostgreSQL.</summary>
    private static long Microseconds(DateTimeOffset time) => time.UtcTicks / 10;

    private readonly record struct RowKey(long Micros, long Instance, long Metric, long Labels, int Position) : IComparable<RowKey>
    {
        public int CompareTo(RowKey other)
        {
            var c = Micros.CompareTo(other.Micros);
            if (c != 0) return c;
            c = Instance.CompareTo(other.Instance);
            if (c != 0) return c;
            c = Metric.CompareTo(other.Metric);
            if (c != 0) return c;
            c = Labels.CompareTo(other.Labels);
            return c != 0 ? c : Position.CompareTo(other.Position);
        }

        public bool SameKey(RowKey other) => Micros == other.Micros && Instance == other.Instance && Metric == other.Metric && Labels == other.Labels;
    }
}
