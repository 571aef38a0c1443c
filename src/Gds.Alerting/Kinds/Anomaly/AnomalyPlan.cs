using System.Runtime.CompilerServices;
using Gds.Alerting.Rules;
using Gds.Contracts.Rules;

namespace Gds.Alerting.Kinds.Anomaly;

public enum AnomalyDirection { Both, Up, Down }

/// <summary>An anomaly rule's parsed form, built once per rule version.</summary>
public sealed class AnomalyPlan
{
    public const double DefaultSensitivity = 4;
    public static readonly TimeSpan DefaultWarmup = TimeSpan.FromHours(1);
    /// <summary>A baseline needs this many samples before it judges anything (and a shift before it is accepted).</summary>
    public const int MinSamples = 10;
    /// <summary>Slowest adaptation of a baseline: a memory of about 50 samples.</summary>
    public const double AlphaFloor = 0.02;
    /// <summary>Slowest adaptation of an anomalous run's own level: it follows the newest ~10 samples.</summary>
    public const double RunAlphaFloor = 0.1;
    /// <summary>Deviations under this share of the baseline level never count, so a flat series that wiggles by rounding stays quiet.</summary>
    public const double RelativeSigmaFloor = 0.01;
    public static readonly TimeSpan SlotWidth = TimeSpan.FromHours(1);

    private static readonly ConditionalWeakTable<CompiledRule, AnomalyPlan> Cache = new();

    public double Sensitivity { get; }
    public AnomalyDirection Direction { get; }
    public TimeSpan Warmup { get; }
    /// <summary>Null without seasonality: one baseline for the whole series.</summary>
    public TimeSpan? Season { get; }
    public int Slots { get; }

    private AnomalyPlan(Rule r)
    {
        Sensitivity = r.Sensitivity ?? DefaultSensitivity;
        Direction = ParseDirection(r.Direction) ?? AnomalyDirection.Both;
        Warmup = KindText.DurationOr(r.Warmup, DefaultWarmup);
        if (!string.IsNullOrWhiteSpace(r.Seasonality))
        {
            Season = DurationText.Parse(r.Seasonality, "seasonality");
            Slots = (int)(Season.Value.Ticks / SlotWidth.Ticks);
        }
        else Slots = 1;
    }

    public static AnomalyPlan For(CompiledRule rule) => Cache.GetValue(rule, r => new AnomalyPlan(r.Rule));

    public static AnomalyDirection? ParseDirection(string? text) => text switch
    {
        null or "both" => AnomalyDirection.Both,
        "up" => AnomalyDirection.Up,
        "down" => AnomalyDirection.Down,
        _ => null,
    };

    /// <summary>The baseline a timestamp belongs to: its hour within the season (UTC), or the only one.</summary>
    public int SlotOf(DateTimeOffset at) =>
        Season is { } s ? (int)(at.UtcTicks % s.Ticks / SlotWidth.Ticks) : 0;

    public string SlotName(int slot) => Season is { } s
        ? s == TimeSpan.FromDays(1) ? $"the {slot:00}:00–{(slot + 1) % 24:00}:00 UTC baseline"
        : $"the baseline of hour {slot} of each {KindText.Duration(s)} (UTC)"
        : "the baseline";
}
