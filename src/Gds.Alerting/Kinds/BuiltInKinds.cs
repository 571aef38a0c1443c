using Gds.Alerting.Kinds.Threshold;

namespace Gds.Alerting.Kinds;

internal static class BuiltInKinds
{
    public static IEnumerable<IRuleKind> All()
    {
        yield return new ThresholdKind();
    }
}
