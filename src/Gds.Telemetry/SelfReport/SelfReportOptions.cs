namespace Gds.Telemetry.SelfReport;

/// <summary>Config section "SelfReport": how a process publishes its own health to gds.metrics.gds.{environment}.</summary>
public sealed class SelfReportOptions
{
    public const string Section = "SelfReport";

    /// <summary>Off: nothing is published (the /metrics endpoint is unaffected).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often; the pipeline rules' `for` durations assume at most 30 s.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The environment tag, which also names the topic (gds.metrics.gds.production).</summary>
    public string Environment { get; set; } = "production";
}
