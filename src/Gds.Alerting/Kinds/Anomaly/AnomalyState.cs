using System.Text.Json.Serialization;
using Gds.Alerting.State;

namespace Gds.Alerting.Kinds.Anomaly;

/// <summary>
/// A streaming detector's memory, fixed in size: per baseline slot (one, or one per hour of the season) an
/// exponentially weighted mean and variance with its sample count; and the anomalous run in progress, if any,
/// with its own running level (the candidate new normal).
/// </summary>
public sealed class AnomalyState : KindState
{
    [JsonPropertyName("first_at")] public DateTimeOffset? FirstAt { get; set; }
    [JsonPropertyName("mean")] public double[] Mean { get; set; } = [];
    [JsonPropertyName("var")] public double[] Variance { get; set; } = [];
    [JsonPropertyName("n")] public int[] Count { get; set; } = [];

    [JsonPropertyName("run_start")] public DateTimeOffset? RunStart { get; set; }
    [JsonPropertyName("run_n")] public int RunCount { get; set; }
    /// <summary>Level of the run relative to the baseline (mean residual), and its spread.</summary>
    [JsonPropertyName("run_mean")] public double RunMean { get; set; }
    [JsonPropertyName("run_var")] public double RunVariance { get; set; }

    public static AnomalyState Create(int slots) => new() { Mean = new double[slots], Variance = new double[slots], Count = new int[slots] };
}
