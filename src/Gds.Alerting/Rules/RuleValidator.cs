using Gds.Alerting.Kinds;
using Gds.Contracts.Metrics;

namespace Gds.Alerting.Rules;

/// <summary>Checks a rule's shared fields, then asks its kind for the rest. Every error names its field.</summary>
public static class RuleValidator
{
    public static IReadOnlyList<(string Field, string Message)> Validate(Rule rule, RuleKindRegistry kinds)
    {
        var errors = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(rule.Id)) errors.Add(("id", "is required"));
        else if (rule.Id.Contains(':')) errors.Add(("id", "must not contain ':' (it is part of the alert's dedup key)"));
        if (!Severities.All.Contains(rule.Severity)) errors.Add(("severity", $"'{rule.Severity}' is not one of {string.Join(", ", Severities.All)}"));
        if (rule.Selector.DatabaseType is { Length: > 0 } dt && !DatabaseTypes.IsKnown(dt))
            errors.Add(("selector.database_type", $"'{dt}' is not one of {string.Join(", ", DatabaseTypes.All)}"));
        Duration(rule.For, "for", errors);
        Duration(rule.KeepFiringFor, "keep_firing_for", errors);
        Duration(rule.RepeatInterval, "repeat_interval", errors);
        if (rule.Escalation is { } steps)
            for (var i = 0; i < steps.Count; i++)
            {
                Duration(steps[i].After, $"escalation[{i}].after", errors);
                if (steps[i].Severity is { } s && !Severities.All.Contains(s))
                    errors.Add(($"escalation[{i}].severity", $"'{s}' is not one of {string.Join(", ", Severities.All)}"));
            }
        errors.AddRange(Escalation.EscalationPolicy.Validate(rule.Escalation));
        if (!kinds.TryGet(rule.Kind, out var kind))
        {
            errors.Add(("kind", $"'{rule.Kind}' is not one of {string.Join(", ", kinds.Names)}"));
            return errors;
        }
        if (rule.Per is not null && rule.Kind != RuleKinds.Threshold)
            errors.Add(("per", $"applies to threshold rules only (a {rule.Kind} rule reads its inputs its own way)"));
        errors.AddRange(kind.Validate(rule));
        return errors;
    }

    public static void Duration(string? text, string field, List<(string, string)> errors)
    {
        if (text is null) return;
        if (!DurationText.TryParse(text, out var d)) errors.Add((field, $"'{text}' is not a duration (use e.g. 30s, 2m, 1h30m, 3d)"));
        else if (d < TimeSpan.Zero) errors.Add((field, "must not be negative"));
    }
}
