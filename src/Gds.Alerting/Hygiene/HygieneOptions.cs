namespace Gds.Alerting.Hygiene;

/// <summary>Alert hygiene settings, bound from the "Hygiene" configuration section (GDS_Hygiene__…).</summary>
public sealed class HygieneOptions
{
    public const string Section = "Hygiene";

    /// <summary>
    /// How long nothing an expire_when_clear silence matches must have been firing before it expires: long enough
    /// that a flapping alert does not end the silence on its first dip.
    /// </summary>
    public TimeSpan ExpireWhenClearGrace { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// An ack dated up to this much before its episode fired still counts (acks carry the CLI's wall clock,
    /// episodes the samples' event time); an older one is an ack of an earlier episode and is ignored.
    /// </summary>
    public TimeSpan AckClockTolerance { get; set; } = TimeSpan.FromMinutes(1);
}
