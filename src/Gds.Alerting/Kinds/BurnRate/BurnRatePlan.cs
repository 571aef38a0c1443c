using System.Runtime.CompilerServices;
using Gds.Alerting.Rules;

namespace Gds.Alerting.Kinds.BurnRate;

/// <summary>One multi-window pair: fires when both windows burn the error budget faster than Factor.</summary>
public sealed record BurnRatePair(TimeSpan Long, TimeSpan Short, double Factor, string Severity, int LongRing, int ShortRing)
{
    public string Name { get; } = $"{KindText.Duration(Long)}/{KindText.Duration(Short)}";
    public string Expected { get; } = $"burn rate ≤ {KindText.Num(Factor)}× over {KindText.Duration(Long)} and {KindText.Duration(Short)}";
}

/// <summary>
/// A burn-rate rule's parsed form, built once per rule version: the SLO budget, the pairs, and one bucket ring per
/// distinct window length. Every window is kept as <see cref="BucketsPerWindow"/> buckets of a twelfth of its length,
/// so a 5m window has 25s buckets and a 3d window 6h ones: the cost per sample is fixed by the number of windows,
/// never by the traffic or the window length.
/// </summary>
public sealed class BurnRatePlan
{
    public const int BucketsPerWindow = 12;

    /// <summary>The SRE Workbook's pairs: page on 2% of a 30d budget in 1h or 5% in 6h, ticket on 10% in 3d.</summary>
    public static readonly IReadOnlyList<BurnRateWindow> DefaultWindows =
    [
        new() { Long = "1h", Short = "5m", Factor = 14.4, Severity = Severities.Critical },
        new() { Long = "6h", Short = "30m", Factor = 6, Severity = Severities.Critical },
        new() { Long = "3d", Short = "6h", Factor = 1, Severity = Severities.Warning },
    ];

    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(30);

    private static readonly ConditionalWeakTable<CompiledRule, BurnRatePlan> Cache = new();

    public double Objective { get; }
    /// <summary>The allowed error ratio, 1 - objective.</summary>
    public double Budget { get; }
    public TimeSpan Period { get; }
    public bool FromCounters { get; }
    public string SeriesMetric { get; }
    public IReadOnlyList<BurnRatePair> Pairs { get; }
    /// <summary>Window length of each ring, ascending.</summary>
    public IReadOnlyList<TimeSpan> Rings { get; }
    /// <summary>The shortest short window: silence that long empties every short window.</summary>
    public TimeSpan ShortestShort { get; }

    private BurnRatePlan(Rule r)
    {
        Objective = r.Objective!.Value;
        Budget = 1 - Objective / 100;
        Period = KindText.DurationOr(r.Period, DefaultPeriod);
        FromCounters = r.BadMetric is not null;
        SeriesMetric = FromCounters ? r.BadMetric! : r.Selector.Metric!;
        var windows = r.Windows is { Count: > 0 } w ? w : DefaultWindows;
        var parsed = windows.Select(x => (Long: DurationText.Parse(x.Long, "long"), Short: DurationText.Parse(x.Short, "short"), x.Factor, Severity: x.Severity ?? r.Severity)).ToList();
        var rings = parsed.SelectMany(p => new[] { p.Long, p.Short }).Distinct().Order().ToList();
        Rings = rings;
        Pairs = parsed.Select(p => new BurnRatePair(p.Long, p.Short, p.Factor, p.Severity, rings.IndexOf(p.Long), rings.IndexOf(p.Short))).ToList();
        ShortestShort = parsed.Min(p => p.Short);
    }

    public static BurnRatePlan For(CompiledRule rule) => Cache.GetValue(rule, r => new BurnRatePlan(r.Rule));

    public long BucketTicks(int ring) => Math.Max(1, Rings[ring].Ticks / BucketsPerWindow);
}
