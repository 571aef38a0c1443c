using System.Globalization;
using Gds.Alerting.Rules;
using Gds.Contracts.Rules;

namespace Gds.Alerting.Kinds.Anomaly;

/// <summary>
/// `sensitivity` of an anomaly rule used to be a z-score (typically 3 to 6); it is now the expected false alarms
/// per series-week. A rule written for the old meaning is still valid but asks for several false alarms a week
/// per series, so it gets a warning that says what the number now means.
/// </summary>
public static class AnomalySensitivityCheck
{
    /// <summary>From here on a value reads like an old z-score: 3 false alarms per series-week is rarely what a team wants.</summary>
    public const double LooksLikeZScore = 3;

    public static IEnumerable<RuleFileWarning> Check(RuleFile file)
    {
        foreach (var rule in file.Rules)
        {
            if (rule.Kind != RuleKinds.Anomaly || rule.Sensitivity is not { } s || s < LooksLikeZScore) continue;
            yield return new RuleFileWarning(file.Path, file.LineOf(rule.Id, "sensitivity"), rule.Id, "sensitivity",
                string.Create(CultureInfo.InvariantCulture, $"{s:G} looks like a z-score (its old meaning); it is now the expected false alarms per series-week on normal data, " +
                $"so this rule asks for about {s:G} false alarms a week per series. Remove it for the default ({AnomalyPlan.DefaultSensitivity:G}, one every four weeks) or set a rate such as 0.1"));
        }
    }
}
