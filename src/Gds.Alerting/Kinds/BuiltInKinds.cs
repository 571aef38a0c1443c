using Gds.Alerting.Kinds.Absence;
using Gds.Alerting.Kinds.Anomaly;
using Gds.Alerting.Kinds.BurnRate;
using Gds.Alerting.Kinds.Threshold;

namespace Gds.Alerting.Kinds;

internal static class BuiltInKinds
{
    public static IEnumerable<IRuleKind> All()
    {
        yield return new ThresholdKind();
        yield return new BurnRateKind();
        yield return new AnomalyKind();
        yield return new AbsenceKind();
    }
}
