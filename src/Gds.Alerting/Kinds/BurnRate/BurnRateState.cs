using System.Text.Json.Serialization;
using Gds.Alerting.State;

namespace Gds.Alerting.Kinds.BurnRate;

/// <summary>
/// A burn-rate series' memory: the last raw value of each counter (to turn cumulative totals into increments)
/// and one fixed-size ring of (bad, total) buckets per window length.
/// </summary>
public sealed class BurnRateState : KindState
{
    /// <summary>Event time of the first sample: a pair may fire only once its short window of history exists.</summary>
    [JsonPropertyName("first_at")] public DateTimeOffset? FirstAt { get; set; }
    [JsonPropertyName("prev_bad")] public double? PreviousBad { get; set; }
    [JsonPropertyName("prev_total")] public double? PreviousTotal { get; set; }
    [JsonPropertyName("last_bad_at")] public DateTimeOffset? LastBadAt { get; set; }
    [JsonPropertyName("last_total_at")] public DateTimeOffset? LastTotalAt { get; set; }
    [JsonPropertyName("rings")] public List<BucketRing> Rings { get; set; } = [];
}

/// <summary>
/// Buckets of one window length; slot i holds absolute bucket number Index[i] (event time / bucket width), so a
/// slot left over from an older lap of the ring reads as empty without any clean-up pass.
/// </summary>
public sealed class BucketRing
{
    [JsonPropertyName("i")] public long[] Index { get; set; } = [];
    [JsonPropertyName("b")] public double[] Bad { get; set; } = [];
    [JsonPropertyName("t")] public double[] Total { get; set; } = [];

    public static BucketRing Create(int slots) => new() { Index = new long[slots], Bad = new double[slots], Total = new double[slots] };

    /// <summary>Adds to the bucket of <paramref name="at"/>; a sample older than the whole ring is too late to count.</summary>
    public void Add(DateTimeOffset at, long bucketTicks, double bad, double total)
    {
        var n = Index.Length;
        var idx = at.UtcTicks / bucketTicks;
        var slot = (int)(idx % n);
        if (Index[slot] > idx) return;
        if (Index[slot] < idx)
        {
            Index[slot] = idx;
            Bad[slot] = 0;
            Total[slot] = 0;
        }
        Bad[slot] += bad;
        Total[slot] += total;
    }

    /// <summary>
    /// Sums the window (at - width·(slots-1), at]: the buckets fully inside it plus the overlapping share of the
    /// oldest one, assuming its events were spread evenly, so the window slides smoothly instead of in steps.
    /// </summary>
    public (double Bad, double Total) Sum(DateTimeOffset at, long bucketTicks)
    {
        var n = Index.Length;
        var window = n - 1;
        var idx = at.UtcTicks / bucketTicks;
        double bad = 0, total = 0;
        for (var k = idx - window + 1; k <= idx; k++)
        {
            var slot = (int)(k % n);
            if (Index[slot] != k) continue;
            bad += Bad[slot];
            total += Total[slot];
        }
        var oldest = idx - window;
        var oldSlot = (int)(oldest % n);
        if (Index[oldSlot] == oldest)
        {
            var share = (double)((idx + 1) * bucketTicks - at.UtcTicks) / bucketTicks;
            bad += Bad[oldSlot] * share;
            total += Total[oldSlot] * share;
        }
        return (bad, total);
    }
}
