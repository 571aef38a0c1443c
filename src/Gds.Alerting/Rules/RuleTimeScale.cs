namespace Gds.Alerting.Rules;

/// <summary>
/// A rule with every duration that governs when it fires or resolves divided by a factor: `for`,
/// `keep_firing_for`, `repeat_interval`, an absence `timeout`, an anomaly `warmup`, burn-rate windows and
/// escalation steps. For demonstrations and tests of production rule packs: `gds dev` shows the shipped packs'
/// incidents within a minute instead of after their real five-minute `for`, with thresholds, selectors and
/// texts untouched. The SLO period only names the budget in the alert text and is left as it is.
/// </summary>
public static class RuleTimeScale
{
    /// <param name="factor">How many times faster time runs for the rule (20 turns 5m into 15s).</param>
    /// <param name="floor">No scaled duration (other than zero) goes below this: at least a scrape interval or two, so
    /// a condition is still seen on more than one sample.</param>
    public static Rule Apply(Rule rule, double factor, TimeSpan floor)
    {
        if (!(factor > 0) || double.IsInfinity(factor)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "must be a positive number");
        if (factor == 1) return rule;
        string? Scale(string? text)
        {
            if (string.IsNullOrWhiteSpace(text) || !DurationText.TryParse(text, out var d) || d <= TimeSpan.Zero) return text;
            var scaled = TimeSpan.FromTicks((long)(d.Ticks / factor));
            // Whole milliseconds: DurationText writes nothing finer.
            scaled = TimeSpan.FromMilliseconds(Math.Round(scaled.TotalMilliseconds));
            return DurationText.Format(scaled < floor ? floor : scaled);
        }

        var windows = rule.Windows;
        if (rule.Kind == RuleKinds.BurnRate)
            windows = (windows ?? Kinds.BurnRate.BurnRatePlan.DefaultWindows)
                .Select(w => w with { Long = Scale(w.Long)!, Short = Scale(w.Short)! })
                // Both ends of a pair can land on the floor; the short window must stay the shorter.
                .Select(w => DurationText.Parse(w.Short, "short") < DurationText.Parse(w.Long, "long") ? w
                    : w with { Long = DurationText.Format(DurationText.Parse(w.Short, "short") * 2) })
                .ToList();
        return rule with
        {
            For = Scale(rule.For),
            KeepFiringFor = Scale(rule.KeepFiringFor),
            RepeatInterval = Scale(rule.RepeatInterval),
            Timeout = Scale(rule.Timeout),
            Warmup = Scale(rule.Warmup),
            Windows = windows,
            Escalation = rule.Escalation?.Select(s => s with { After = Scale(s.After)! }).ToList(),
        };
    }
}
