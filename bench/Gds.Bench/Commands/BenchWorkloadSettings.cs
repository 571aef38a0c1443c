namespace Gds.Bench.Commands;

/// <summary>The rule book and fleet that `gds bench streams` and `gds bench scale-out` both push metrics through.</summary>
public abstract class BenchWorkloadSettings : Gds.Cli.Infrastructure.GdsSettings
{
    [CommandOption("--rules <N>")] [Description("Threshold rules in force (default 1,000).")] [DefaultValue(1000)]
    public int Rules { get; init; } = 1000;

    [CommandOption("--instances <N>")] [Description("Distinct instances (default 10,000).")] [DefaultValue(10_000)]
    public int Instances { get; init; } = 10_000;
}
