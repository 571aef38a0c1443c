namespace Gds.Alerting.Kinds.Anomaly;

/// <summary>
/// What each of the detector's statistics would look like on independent Gaussian noise: where a series' learning
/// starts (and where a statistic added by an upgrade starts), and the narrowest range a statistic is ever judged by.
/// </summary>
internal static class AnomalyPriors
{
    /// <summary>The averages' smoothing rates: about 6, 36, 12 (spread) and 144 samples, and the recent context's ~10.</summary>
    public const double ShortRate = 1.0 / 6, MediumRate = 1.0 / 36, SpreadRate = 1.0 / 12, LongScaleRate = 1.0 / 144, RecentRate = 0.1;

    /// <summary>Long-run mean and variance of each statistic, in the order of <see cref="AnomalyCause"/>.</summary>
    public static readonly float[] Mean = [0, 0, 0, (float)Math.Sqrt(2 / Math.PI), 0, 0];
    public static readonly float[] Scale =
    [
        1f,
        (float)(ShortRate / (2 - ShortRate)),
        (float)(MediumRate / (2 - MediumRate)),
        (float)((1 - 2 / Math.PI) * SpreadRate / (2 - SpreadRate)),
        (float)(LongScaleRate / (2 - LongScaleRate)),
        (float)(RecentRate / (2 - RecentRate)),
    ];

    /// <summary>How often a statistic is beyond its tail threshold (3): the spread is one-sided, the others two-sided.</summary>
    public static float TailRate(int statistic) => statistic == (int)AnomalyCause.Spread ? 0.00135f : 0.0027f;

    /// <summary>
    /// The mean excess over the tail threshold assumed before any is learned: a little heavier than Gaussian's (about
    /// 0.3), as real metrics are. With Gaussian's, heavy-tailed series alerted on their first week's outliers
    /// (about 1.1 false alarms per series-week on the `noisy` shape of ten generated corpus parts, 0.75 with this).
    /// </summary>
    public const float TailExcess = 0.6f;

    /// <summary>The sample test's mean log(peak / threshold) before any run past the threshold: that of runs of the prior mean excess.</summary>
    public static readonly float TailLog = (float)Math.Log(1 + TailExcess / 3);
}
