using Gds.Alerting.Escalation;
using Gds.Alerting.Hygiene;
using Gds.Alerting.Inhibition;
using Gds.Alerting.Rules;
using Gds.Alerting.Silences;
using Microsoft.Extensions.Options;

namespace Gds.Topology;

/// <summary>
/// The process-wide, in-memory views of the compacted topics (rules, silences, inhibition rules), fed by global
/// stores and read by every stream task.
/// </summary>
public sealed class AlertingModels
{
    public RuleBook Rules { get; private set; } = new();

    /// <summary>Uses an existing rule book (tests that publish rules straight into it).</summary>
    public AlertingModels WithRules(RuleBook rules)
    {
        Rules = rules;
        return this;
    }
    public Silencer Silences { get; } = new();
    public InhibitRuleBook InhibitRules { get; } = new();
    public IOptions<HygieneOptions> Hygiene { get; init; } = Options.Create(new HygieneOptions());

    public HygieneEngine NewHygieneEngine() => new(Silences, InhibitRules, new RuleBookEscalationPolicies(Rules), Hygiene);
}
