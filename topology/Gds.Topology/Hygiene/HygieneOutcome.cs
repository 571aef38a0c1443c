using Gds.Alerting.Silences;

namespace Gds.Topology.Hygiene;

/// <summary>What the hygiene stage hands to the emit stage: an alert event for gds.alerts, or a silence's expiry.</summary>
public sealed class HygieneOutcome
{
    private HygieneOutcome() { }

    public AlertEvent? Alert { get; private init; }
    public SilenceExpiry? Expiry { get; private init; }

    /// <summary>The event is the engine's, at a sample of its own series: <see cref="Evaluation.Evaluated.AtSample"/>.</summary>
    public bool AtSample { get; private init; }

    public static HygieneOutcome Of(AlertEvent e, bool atSample = false) => new() { Alert = e, AtSample = atSample };
    public static HygieneOutcome Of(SilenceExpiry x) => new() { Expiry = x };
}
