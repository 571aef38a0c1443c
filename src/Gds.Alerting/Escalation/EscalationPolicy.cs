namespace Gds.Alerting.Escalation;

/// <summary>One step: when <see cref="After"/> has passed since people were first told, raise to it.</summary>
public sealed record EscalationLevel(int Number, TimeSpan After, string? Severity, string? RoutingKey);

/// <summary>
/// A rule's escalation policy: steps with increasing <c>after</c>, measured from the episode's first notification
/// (what people were told about, not what was silenced at the time). A step may raise the severity (never lower
/// it) and/or send to another routing key; an acknowledged alert is never escalated.
/// </summary>
public sealed class EscalationPolicy
{
    public IReadOnlyList<EscalationLevel> Levels { get; }

    private EscalationPolicy(IReadOnlyList<EscalationLevel> levels) => Levels = levels;

    /// <summary>The rule's policy, or null when it has none. The rule must have passed <see cref="Validate"/>.</summary>
    public static EscalationPolicy? From(Rule rule)
    {
        if (rule.Escalation is not { Count: > 0 } steps) return null;
        return new EscalationPolicy(steps.Select((s, i) =>
            new EscalationLevel(i + 1, DurationText.Parse(s.After, $"escalation[{i}].after"), s.Severity, s.RoutingKey)).ToList());
    }

    /// <summary>
    /// The highest step due at <paramref name="now"/> above <paramref name="currentStep"/>, or null. When several
    /// are overdue (after a restart or a long silence) only the highest is taken: one escalation, to where it
    /// should be now, rather than a burst of stale ones.
    /// </summary>
    public EscalationLevel? Due(int currentStep, DateTimeOffset notifiedAt, DateTimeOffset now)
    {
        EscalationLevel? due = null;
        foreach (var l in Levels)
            if (l.Number > currentStep && now - notifiedAt >= l.After) due = l;
        return due;
    }

    /// <summary>Checks that steps are in increasing order of <c>after</c> and that each changes something.</summary>
    public static IReadOnlyList<(string Field, string Message)> Validate(IReadOnlyList<EscalationStep>? steps)
    {
        var errors = new List<(string, string)>();
        if (steps is null) return errors;
        TimeSpan? previous = null;
        for (var i = 0; i < steps.Count; i++)
        {
            var s = steps[i];
            if (s.Severity is null && s.RoutingKey is null)
                errors.Add(($"escalation[{i}]", "needs a severity or a routing_key to escalate to"));
            if (!DurationText.TryParse(s.After, out var after)) continue; // reported by the duration check
            if (after <= TimeSpan.Zero) errors.Add(($"escalation[{i}].after", "must be more than 0s"));
            else if (previous is { } p && after <= p)
                errors.Add(($"escalation[{i}].after", $"must be later than the previous step's ({DurationText.Format(p)})"));
            previous = after;
        }
        return errors;
    }
}
