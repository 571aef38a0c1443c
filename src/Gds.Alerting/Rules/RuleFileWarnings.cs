using Gds.Alerting.Kinds.Anomaly;

namespace Gds.Alerting.Rules;

/// <summary>Every warning a valid rules file gets (`gds rules validate`, `publish`, `dev`), in line order.</summary>
public static class RuleFileWarnings
{
    public static IReadOnlyList<RuleFileWarning> Check(RuleFile file) =>
        RuleCatalogCheck.Check(file).Concat(AnomalySensitivityCheck.Check(file)).OrderBy(w => w.Line).ToList();
}
