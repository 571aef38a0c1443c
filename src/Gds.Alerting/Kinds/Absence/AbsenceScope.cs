namespace Gds.Alerting.Kinds.Absence;

/// <summary>What must keep reporting for an absence rule to stay quiet.</summary>
public enum AbsenceScope
{
    /// <summary>Each series (instance × metric) on its own.</summary>
    Series,
    /// <summary>The instance as a whole: any sample of any selected metric keeps it alive.</summary>
    Instance,
    /// <summary>A collector, by its heartbeats (see <see cref="HeartbeatSamples"/>).</summary>
    Collector,
}

public static class AbsenceScopes
{
    public static AbsenceScope? Parse(string? text) => text switch
    {
        null or "series" => AbsenceScope.Series,
        "instance" => AbsenceScope.Instance,
        "collector" => AbsenceScope.Collector,
        _ => null,
    };

    /// <summary>The metric_name of an instance-scope series: it stands for every metric of the instance.</summary>
    public const string AnyMetric = "*";
}
