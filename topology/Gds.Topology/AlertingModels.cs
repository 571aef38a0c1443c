using Gds.Alerting.Escalation;
using Gds.Alerting.Fleet;
using Gds.Alerting.Hygiene;
using Gds.Alerting.Inhibition;
using Gds.Alerting.Rules;
using Gds.Alerting.Silences;
using Microsoft.Extensions.Options;

namespace Gds.Topology;

/// <summary>
/// The process-wide, in-memory views of the compacted topics (rules, silences, inhibition rules, the fleet's firing
/// alerts), fed by global stores (<see cref="Global.GlobalStores"/>) and read by every stream task. This is the one
/// thing the tasks of a process share; each task has its own engines over its own stores.
/// </summary>
public sealed class AlertingModels
{
    public AlertingModels(RuleBook? rules = null)
    {
        Rules = rules ?? new RuleBook();
        Fleet = new FleetFiring(InhibitRules);
    }

    public RuleBook Rules { get; }
    public Silencer Silences { get; } = new();
    public InhibitRuleBook InhibitRules { get; } = new();
    /// <summary>The alerts firing across the fleet (gds.alerts.firing), for inhibition and silence auto-expiry.</summary>
    public FleetFiring Fleet { get; }
    public IOptions<HygieneOptions> Hygiene { get; init; } = Options.Create(new HygieneOptions());

    /// <summary>A task's hygiene engine; <paramref name="ownsSilence"/> says which silences' auto-expiry it decides.</summary>
    public HygieneEngine NewHygieneEngine(Func<string, bool>? ownsSilence) =>
        new(Silences, Fleet, new RuleBookEscalationPolicies(Rules), Hygiene, ownsSilence);
}
