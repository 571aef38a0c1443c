using System.Security.Cryptography;
using System.Text;
using Gds.Alerting.Kinds;
using Gds.Contracts.Metrics;
using Gds.Contracts.Serialization;

namespace Gds.Alerting.Rules;

/// <summary>
/// A validated rule with its durations parsed and its selector compiled, ready for the hot path. Built once per
/// rule version, never per sample.
/// </summary>
public sealed class CompiledRule
{
    public Rule Rule { get; }
    public IRuleKind Kind { get; }
    public SelectorMatcher Selector { get; }
    public TimeSpan For { get; }
    public TimeSpan KeepFiringFor { get; }
    /// <summary>Zero when the rule does not re-notify while firing.</summary>
    public TimeSpan RepeatInterval { get; }
    public IReadOnlyList<string> InputMetrics { get; }
    /// <summary>A hash of the rule's definition: series state of another version is reset, not reused.</summary>
    public string Version { get; }

    public string Id => Rule.Id;

    private CompiledRule(Rule rule, IRuleKind kind)
    {
        Rule = rule;
        Kind = kind;
        Selector = new SelectorMatcher(rule.Selector);
        For = DurationText.ParseOrDefault(rule.For, TimeSpan.Zero);
        KeepFiringFor = DurationText.ParseOrDefault(rule.KeepFiringFor, TimeSpan.Zero);
        RepeatInterval = DurationText.ParseOrDefault(rule.RepeatInterval, TimeSpan.Zero);
        InputMetrics = kind.InputMetrics(rule);
        Version = Convert.ToHexString(SHA256.HashData(GdsJson.Serialize(rule)), 0, 8).ToLowerInvariant();
    }

    /// <summary>Compiles a rule, or returns the validation errors that stop it from compiling.</summary>
    public static CompiledRule Compile(Rule rule, RuleKindRegistry? kinds = null)
    {
        var errors = RuleValidator.Validate(rule, kinds ?? RuleKindRegistry.Default);
        if (errors.Count > 0)
            throw new InvalidRuleException(rule.Id, errors);
        (kinds ?? RuleKindRegistry.Default).TryGet(rule.Kind, out var kind);
        return new CompiledRule(rule, kind);
    }

    /// <summary>
    /// Stands in for a rule that no longer exists, so the alerts it left open can still be resolved: only the id
    /// is known, the rest of the event comes from the series state.
    /// </summary>
    public static CompiledRule Orphan(string ruleId) =>
        new(new Rule { Id = ruleId, Kind = RuleKinds.Threshold, Selector = new RuleSelector(), Op = ">", Value = 0 }, new Kinds.Threshold.ThresholdKind());

    public string DedupKey(string instanceId, string metric, string labelsText = "") => DedupKeys.For(Id, instanceId, metric, labelsText);
}

/// <summary>
/// The dedup key of a series of a rule: <c>rule_id:instance_id:metric_name</c>, followed by the series labels in
/// their text form (<see cref="SeriesLabels.Format"/>) when it has any, e.g.
/// <c>pg-wraparound:pg-1:pg_database_wraparound_ratio{database="orders"}</c>. A series without labels keeps the key
/// (and so the event ids, state and acks) it had before labels existed.
/// </summary>
public static class DedupKeys
{
    public static string For(string ruleId, string instanceId, string metric, string labelsText = "")
    {
        // Built for every sample a rule matches: one exact-length string, no builder.
        return string.Create(ruleId.Length + instanceId.Length + metric.Length + labelsText.Length + 2, (ruleId, instanceId, metric, labelsText), static (span, k) =>
        {
            k.ruleId.CopyTo(span);
            var at = k.ruleId.Length;
            span[at++] = ':';
            k.instanceId.CopyTo(span[at..]);
            at += k.instanceId.Length;
            span[at++] = ':';
            k.metric.CopyTo(span[at..]);
            k.labelsText.CopyTo(span[(at + k.metric.Length)..]);
        });
    }

    public static string For(string ruleId, string instanceId, string metric, IReadOnlyDictionary<string, string>? labels) =>
        For(ruleId, instanceId, metric, SeriesLabels.Format(labels));

    /// <summary>The key prefix of every series of a rule, for range scans.</summary>
    public static string RulePrefix(string ruleId) => ruleId + ":";
}

public sealed class InvalidRuleException(string ruleId, IReadOnlyList<(string Field, string Message)> errors)
    : Exception($"rule '{ruleId}': " + string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")))
{
    public IReadOnlyList<(string Field, string Message)> Errors { get; } = errors;
}
