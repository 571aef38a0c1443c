using System.Runtime.CompilerServices;
using Gds.Alerting.Rules;

namespace Gds.Alerting.Escalation;

/// <summary>Where the hygiene engine finds a rule's escalation policy.</summary>
public interface IEscalationPolicies
{
    EscalationPolicy? For(string ruleId);
}

/// <summary>Policies of the rules in force; compiled once per rule version, not per tick.</summary>
public sealed class RuleBookEscalationPolicies(RuleBook rules) : IEscalationPolicies
{
    private readonly ConditionalWeakTable<CompiledRule, Holder> _cache = new();

    public EscalationPolicy? For(string ruleId) =>
        rules.TryGet(ruleId, out var rule) ? _cache.GetValue(rule, r => new Holder(EscalationPolicy.From(r.Rule))).Policy : null;

    private sealed record Holder(EscalationPolicy? Policy);
}
