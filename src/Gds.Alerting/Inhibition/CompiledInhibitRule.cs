using Gds.Alerting.Matchers;

namespace Gds.Alerting.Inhibition;

/// <summary>An inhibition rule with its matchers parsed.</summary>
public sealed class CompiledInhibitRule
{
    public InhibitRule Rule { get; }
    public string Name => Rule.Name;
    public MatcherSet Source { get; }
    public MatcherSet Target { get; }
    public IReadOnlyList<string> Equal { get; }

    private CompiledInhibitRule(InhibitRule rule, MatcherSet source, MatcherSet target)
    {
        Rule = rule;
        Source = source;
        Target = target;
        Equal = rule.Equal;
    }

    /// <summary>
    /// The values of the <see cref="Equal"/> labels joined into one key, or null when any is missing or empty: then
    /// the rule cannot pair this alert with anything. Alertmanager treats "missing on both sides" as equal, which
    /// lets e.g. an alert without instance_id inhibit every other such alert; here it never does.
    /// </summary>
    public string? EqualKey(IReadOnlyDictionary<string, string> labels)
    {
        if (Equal.Count == 0) return "";
        if (Equal.Count == 1) return labels.TryGetValue(Equal[0], out var one) && one.Length > 0 ? one : null;
        var parts = new string[Equal.Count];
        for (var i = 0; i < Equal.Count; i++)
        {
            if (!labels.TryGetValue(Equal[i], out var v) || v.Length == 0) return null;
            parts[i] = v;
        }
        // A unit separator cannot appear in label values typed by people, so distinct tuples give distinct keys.
        return string.Join('\u001f', parts);
    }

    public static bool TryCompile(InhibitRule rule, out CompiledInhibitRule? compiled, out IReadOnlyList<(string Field, string Message)> errors)
    {
        var errs = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(rule.Name)) errs.Add(("name", "is required"));
        var source = Side(rule.SourceMatchers, "source_matchers", errs);
        var target = Side(rule.TargetMatchers, "target_matchers", errs);
        for (var i = 0; i < rule.Equal.Count; i++)
            if (!LabelNames.IsValid(rule.Equal[i]))
                errs.Add(($"equal[{i}]", $"'{rule.Equal[i]}' is not a label name"));
        errors = errs;
        compiled = errs.Count == 0 ? new CompiledInhibitRule(rule, source, target) : null;
        return compiled is not null;
    }

    public static CompiledInhibitRule Compile(InhibitRule rule) =>
        TryCompile(rule, out var c, out var errors) ? c!
            : throw new FormatException($"inhibit rule '{rule.Name}': " + string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));

    private static MatcherSet Side(IReadOnlyList<string>? texts, string field, List<(string, string)> errs)
    {
        if (texts is null || texts.Count == 0)
        {
            errs.Add((field, "at least one matcher is required (e.g. metric_name=gds_collector_up)"));
            return new MatcherSet([]);
        }
        var list = new List<LabelMatcher>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (MatcherParser.TryParse(texts[i], out var m, out var e)) list.Add(m!);
            else errs.Add(($"{field}[{i}]", e!));
        }
        return new MatcherSet(list);
    }
}
