using Gds.Alerting.Silences;

namespace Gds.Topology.Hygiene;

/// <summary>What the hygiene stage hands to the emit stage: an alert event for gds.alerts, or a silence's expiry.</summary>
public sealed class HygieneOutcome
{
    private HygieneOutcome() { }

    public AlertEvent? Alert { get; private init; }
    public SilenceExpiry? Expiry { get; private init; }

    public static HygieneOutcome Of(AlertEvent e) => new() { Alert = e };
    public static HygieneOutcome Of(SilenceExpiry x) => new() { Expiry = x };
}
