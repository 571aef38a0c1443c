using System.Runtime.CompilerServices;
using Gds.Alerting.Rules;
using Gds.Contracts.Rules;

namespace Gds.Alerting.Kinds.Anomaly;

public enum AnomalyDirection { Both, Up, Down }

/// <summary>An anomaly rule's parsed form, built once per rule version.</summary>
public sealed class AnomalyPlan
{
    /// <summary>Expected false alarms per series-week on normal data.</summary>
    public const double DefaultSensitivity = 0.25;
    public const double MaxSensitivity = 50;
    public static readonly TimeSpan DefaultWarmup = TimeSpan.FromDays(1);

    private static readonly ConditionalWeakTable<CompiledRule, AnomalyPlan> Cache = new();

    public double Sensitivity { get; }
    public AnomalyDirection Direction { get; }
    public TimeSpan Warmup { get; }
    /// <summary>Whether the hour-of-day profile is learned at all (`seasonality: none` turns it off).</summary>
    public bool Profiled { get; }
    /// <summary>Whether weekends get their own profile (`auto`, `7d`) or share the weekdays' (`24h`).</summary>
    public bool WeekendsApart { get; }

    private AnomalyPlan(Rule r)
    {
        Sensitivity = r.Sensitivity ?? DefaultSensitivity;
        Direction = ParseDirection(r.Direction) ?? AnomalyDirection.Both;
        Warmup = KindText.DurationOr(r.Warmup, DefaultWarmup);
        var season = ParseSeasonality(r.Seasonality) ?? AnomalySeasonality.Auto;
        Profiled = season != AnomalySeasonality.None;
        WeekendsApart = season == AnomalySeasonality.Auto;
    }

    public static AnomalyPlan For(CompiledRule rule) => Cache.GetValue(rule, r => new AnomalyPlan(r.Rule));

    public static AnomalyDirection? ParseDirection(string? text) => text switch
    {
        null or "both" => AnomalyDirection.Both,
        "up" => AnomalyDirection.Up,
        "down" => AnomalyDirection.Down,
        _ => null,
    };

    public static AnomalySeasonality? ParseSeasonality(string? text) => text switch
    {
        null or "" or "auto" or "7d" or "1w" or "168h" => AnomalySeasonality.Auto,
        "24h" or "1d" => AnomalySeasonality.Daily,
        "none" => AnomalySeasonality.None,
        _ => null,
    };
}

public enum AnomalySeasonality { Auto, Daily, None }
